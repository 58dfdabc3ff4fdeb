package org.deltaprop.cli;

import me.tongfei.progressbar.ProgressBar;
import org.deltaprop.backend.Backend;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.RowStream;
import org.deltaprop.io.Model;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code deltaprop eval}: a saved model on a data set: loss, accuracy and confusion matrix for a
 * classifier, MSE, RMSE, MAE and R² for regression. The task comes from the model.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a saved model on labelled data: mean loss and, for classifiers, accuracy and the "
                + "confusion matrix (rows: true class, columns: predicted); for regression models MSE, RMSE, MAE "
                + "and R² in the targets' units.",
                "",
                "Examples:",
                "  deltaprop eval --model model.safetensors --data test.csv",
                "  deltaprop eval -m out/fashion-mnist.safetensors   # on its test set", ""})
final class EvalCommand implements Callable<Integer> {

    // Options that several commands share are mixins (BackendOptions, ModelOption, CsvOptions,
    // BatchErrorOptions); the declarations of the others look alike only in picocli's form.
    @Mixin
    ModelOption model;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Labelled data: IDX samples, CSV, a store folder, x.npy (with y.npy beside it), or "
                    + "'fashion-mnist' for its test set (the default for a model of 784 inputs and 10 classes). - "
                    + "reads CSV (gzipped or not) from standard input, copied first to a file in the system's "
                    + "temporary folder (java.io.tmpdir) that is deleted afterwards.")
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
        String source = data != null ? data : Predictor.defaultData(m, model.path, "--data", "to evaluate on");
        if (StandardInput.named(source)) {
            try (StandardInput in = StandardInput.copy(System.in, "--data")) {
                return in.naming(() -> evaluate(m, new Path[] {in.path(), labels}, StandardInput.NAME));
            }
        }
        return evaluate(m, source.equals("fashion-mnist") ? DataFiles.fashionMnist(false)
                : new Path[] {Path.of(source), labels}, source);
    }

    /** Evaluates on {@code files} (the data and its labels or null), named {@code source} in messages. */
    private int evaluate(Model m, Path[] files, String source) throws IOException {
        Evaluator.Evaluation e;
        // Read once, front to back: a CSV of any size is evaluated in constant memory.
        CsvReader.Options options = Predictor.leavingOutUnknownColumns(m, files[0], source,
                csv.forModel(m, model.path));
        try (RowStream rows = DataFiles.stream(files[0], files[1], options, m.classes())) {
            Predictor.checkColumns(m.featureNames(), rows.featureNames(), files[0]);
            Predictor.checkClassNames(m.classNames(), rows.classNames(), files[0]);
            Predictor.checkTargetNames(m.targetNames(), rows.targetNames(), files[0]);
            Predictor.checkWidth(m, rows.features(), files[0]);
            if (rows.targetWidth() != m.network().architecture().outputs()) {
                throw new Main.UserException(files[0] + " has " + rows.targetWidth() + " targets per row but the model has "
                        + m.network().architecture().outputs() + " outputs");
            }
            long work = BackendOptions.multiplyAdds(m.network().architecture(),
                    BackendOptions.rowsAtMost(rows, files[0]), 1);
            try (Backend b = backend.open(work).backend();
                 DeviceNetwork net = new DeviceNetwork(b, m.network(), 1024);
                 ProgressBar bar = Predictor.progressBar("eval", rows, files[0], noProgress)) {
                e = Evaluator.evaluate(net, m.scaling().applyTo(rows), m.targetScaling(),
                        bar == null ? done -> { } : bar::stepTo);
            }
        }
        System.out.printf(Locale.ROOT, "%s on %s: %d %s, %s (%s)%n", model.path, source, e.samples(),
                e.samples() == 1 ? "row" : "rows",
                Metrics.summary(e, m.targetScaling()), m.network().architecture().loss());
        if (e.confusion() != null) {
            printConfusion(e.confusion(), m);
        }
        return 0;
    }

    /**
     * The confusion matrix, headed by the classes' names (or numbers), their control characters
     * written as escapes: a class named by a quoted CSV field may hold a line break or a tab,
     * which printed raw would break the rows apart.
     */
    private static void printConfusion(long[][] confusion, Model m) {
        int k = confusion.length;
        List<String> names = IntStream.range(0, k).mapToObj(i -> Main.visible(m.className(i))).toList();
        long max = 1;
        int nameWidth = 5;
        for (int i = 0; i < k; i++) {
            for (long v : confusion[i]) {
                max = Math.max(max, v);
            }
            nameWidth = Math.max(nameWidth, names.get(i).length());
        }
        int width = Math.max(4, Long.toString(max).length() + 1);
        for (int j = 0; j < k; j++) {
            width = Math.max(width, names.get(j).length() + 1);
        }
        StringBuilder head = new StringBuilder("confusion (rows: true, columns: predicted)\n")
                .append(" ".repeat(nameWidth + 1));
        for (int j = 0; j < k; j++) {
            head.append(String.format(Locale.ROOT, "%" + width + "s", names.get(j)));
        }
        System.out.println(head);
        for (int i = 0; i < k; i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%" + nameWidth + "s ", names.get(i)));
            for (int j = 0; j < k; j++) {
                line.append(String.format(Locale.ROOT, "%" + width + "d", confusion[i][j]));
            }
            System.out.println(line);
        }
    }
}
