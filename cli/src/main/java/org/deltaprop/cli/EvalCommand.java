package org.deltaprop.cli;

import me.tongfei.progressbar.ProgressBar;
import org.deltaprop.backend.Backend;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.RowStream;
import org.deltaprop.io.Model;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code deltaprop eval}: loss, accuracy and confusion matrix of a saved model on a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a saved model on labelled data: mean loss and, for classifiers, accuracy and the "
                + "confusion matrix (rows: true class, columns: predicted).",
                "",
                "Example:  deltaprop eval --model model.safetensors               # on Fashion-MNIST's test set"})
final class EvalCommand implements Callable<Integer> {

    // Options that several commands share are mixins (BackendOptions, ModelOption, CsvOptions,
    // BatchErrorOptions); the declarations of the others look alike only in picocli's form.
    @Mixin
    ModelOption model;

    @Option(names = "--data", paramLabel = "FILE", defaultValue = "fashion-mnist",
            description = "Labelled data: IDX samples, CSV, a store folder, x.npy (with y.npy beside it), or "
                    + "'fashion-mnist' for its test set (default).")
    String data;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX or .npy labels for --data.")
    Path labels;

    @Mixin
    CsvOptions csv;

    @Mixin
    BackendOptions backend;

    @Option(names = "--no-progress", description = "No progress bar (it is only drawn on a terminal, for large data).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Model m = model.read();
        Path[] files = data.equals("fashion-mnist") ? DataFiles.fashionMnist(false) : new Path[] {Path.of(data), labels};
        Evaluator.Evaluation e;
        // Read once, front to back: a CSV of any size is evaluated in constant memory.
        try (RowStream rows = DataFiles.stream(files[0], files[1], csv.options(), m.classes())) {
            Predictor.checkWidth(m, rows.features(), files[0]);
            if (rows.targetWidth() != m.network().architecture().outputs()) {
                throw new Main.UserException(files[0] + " has " + rows.targetWidth() + " targets per row but the model has "
                        + m.network().architecture().outputs() + " outputs");
            }
            try (Backend b = backend.open().backend();
                 DeviceNetwork net = new DeviceNetwork(b, m.network(), 1024);
                 ProgressBar bar = Predictor.progressBar("eval", rows, files[0], noProgress)) {
                e = Evaluator.evaluate(net, m.scaling().applyTo(rows), bar == null ? done -> { } : bar::stepTo);
            }
        }
        System.out.printf(Locale.ROOT, "%s on %s: %d rows, loss %.4f (%s)%n", model.path, data, e.samples(), e.loss(),
                m.network().architecture().loss());
        if (e.confusion() != null) {
            System.out.printf(Locale.ROOT, "accuracy %.4f%n", e.accuracy());
            printConfusion(e.confusion());
        }
        return 0;
    }

    private static void printConfusion(long[][] confusion) {
        int k = confusion.length;
        long max = 1;
        for (long[] row : confusion) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        int width = Math.max(4, Long.toString(max).length() + 1);
        StringBuilder head = new StringBuilder("confusion (rows: true, columns: predicted)\n").append(" ".repeat(6));
        for (int j = 0; j < k; j++) {
            head.append(String.format(Locale.ROOT, "%" + width + "d", j));
        }
        System.out.println(head);
        for (int i = 0; i < k; i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5d ", i));
            for (int j = 0; j < k; j++) {
                line.append(String.format(Locale.ROOT, "%" + width + "d", confusion[i][j]));
            }
            System.out.println(line);
        }
    }
}
