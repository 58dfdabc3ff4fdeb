package org.deltaprop.cli;

import me.tongfei.progressbar.ProgressBar;
import org.deltaprop.backend.Backend;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.Delimiter;
import org.deltaprop.data.RowStream;
import org.deltaprop.io.AtomicFiles;
import org.deltaprop.io.Model;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

/** {@code deltaprop predict}: a saved model's outputs or classes for new rows, as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a saved model on features (CSV without targets, IDX samples, a store folder or an x.npy) "
                + "and write CSV: one row per input, the class (by name when the model has class names) and/or the "
                + "outputs (regression outputs in the targets' units). The model's scaling is applied first; a CSV "
                + "header must name the model's features in its order.",
                "",
                "Examples:",
                "  deltaprop predict -m model.safetensors -i rows.csv -o predictions.csv",
                "  zcat rows.csv.gz | deltaprop predict -m m.safetensors -i - | sort | uniq -c", ""})
final class PredictCommand implements Callable<Integer> {

    enum Columns { CLASS, OUTPUTS, BOTH }

    // Options that several commands share are mixins (BackendOptions, ModelOption, CsvOptions,
    // BatchErrorOptions); the declarations of the others look alike only in picocli's form.
    @Mixin
    ModelOption model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", required = true,
            description = "Features to predict for: CSV (columns a model with feature names was not trained on, "
                    + "the class column among them, are left out by name; else name them with --label-column or "
                    + "--ignore-columns), IDX samples, a store folder or an x.npy (their targets are not read). - "
                    + "reads standard input: CSV, gzipped or not, or IDX, copied first to a file in the system's "
                    + "temporary folder (java.io.tmpdir) that is deleted afterwards, since the reader reads a file "
                    + "more than once.")
    Path input;

    @Option(names = {"-o", "--out"}, paramLabel = "CSV",
            description = "Where to write (default, or -: standard output, which then holds the predictions alone: "
                    + "messages go to standard error); a file is written whole or not at all.")
    Path out;

    @Option(names = "--columns", paramLabel = "class|outputs|both",
            description = "What to write per row (default: class for classifiers, outputs for regression).")
    Columns columns;

    @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = "Whether the CSV input has a header line (default: ${DEFAULT-VALUE}).")
    CsvReader.Header header;

    @Option(names = "--delimiter", paramLabel = "auto|,|;|tab|whitespace", defaultValue = "auto",
            description = "What separates the CSV input's fields (default: ${DEFAULT-VALUE}: sniffed).")
    String delimiter;

    @Option(names = "--label-column", paramLabel = "NAME|N", description = "A column of the CSV input to ignore.")
    String labelColumn;

    @Option(names = "--ignore-columns", paramLabel = "NAME|N", split = ",", splitSynopsisLabel = ",",
            description = CsvOptions.IGNORE_COLUMNS)
    List<String> ignoredColumns = new ArrayList<>();

    @Mixin
    BackendOptions backend;

    @Option(names = "--no-progress", description = "No progress bar (it is only drawn on a terminal, for large data).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Path file = StandardInput.named(out) ? null : out;
        boolean piped = StandardInput.named(input);
        if (file != null) {
            OutputPaths.checkWritable(file, "predictions");
            Map<String, Path> inputs = piped ? OutputPaths.named("--model", model.path)
                    : OutputPaths.named("--input", input, "--model", model.path);
            OutputPaths.checkSeparate(OutputPaths.named("predictions", file), inputs);
        }
        Model m = model.read();
        if (!piped) {
            return predict(m, input, input.toString(), file);
        }
        try (StandardInput in = StandardInput.copy(System.in, "--input")) {
            return in.naming(() -> predict(m, in.path(), StandardInput.NAME, file));
        }
    }

    /** Predicts for {@code input}, named {@code shown} in messages, into {@code out} or standard output (null). */
    private int predict(Model m, Path input, String shown, Path out) throws IOException {
        // Read once, front to back: a CSV of any size is predicted for in constant memory.
        CsvReader.Options csv = Predictor.leavingOutUnknownColumns(m, input, shown, CsvReader.Options.classification()
                .withHeader(header).withDelimiter(Delimiter.parse(delimiter)).withLabelColumn(labelColumn)
                .withIgnoredColumns(ignoredColumns).featuresOnly());
        try (RowStream rows = DataFiles.streamFeatures(input, csv)) {
            Predictor.checkColumns(m.featureNames(), rows.featureNames(), input);
            Predictor.checkWidth(m, rows.features(), input);
            Columns what = columns != null ? columns : m.classes() > 0 ? Columns.CLASS : Columns.OUTPUTS;
            if (what != Columns.OUTPUTS && m.classes() == 0) {
                throw new Main.UserException("the model is a regression model: it has outputs, not classes (--columns outputs)");
            }
            RowStream scaled = m.scaling().applyTo(rows);
            long work = BackendOptions.multiplyAdds(m.network().architecture(),
                    BackendOptions.rowsAtMost(rows, input), 1);
            try (Backend b = backend.open(work).backend();
                 DeviceNetwork net = new DeviceNetwork(b, m.network(), 1024);
                 ProgressBar bar = Predictor.progressBar("predict", rows, input, noProgress)) {
                LongConsumer done = bar == null ? count -> { } : bar::stepTo;
                if (out == null) {
                    write(OutputPaths.checkedStandardOutput(), what, net, scaled, m, done);
                } else {
                    long[] written = new long[1];
                    AtomicFiles.write(out, stream -> written[0] = write(stream, what, net, scaled, m, done));
                    System.err.println("deltaprop: wrote " + written[0] + " predictions to " + out);
                }
            }
        }
        return 0;
    }

    /**
     * Predicts and writes a batch of the network's capacity at a time, so that a store or a CSV
     * larger than the heap is predicted for in constant memory: classes by the model's names,
     * regression outputs in the targets' units. Returns the number of rows.
     */
    private static long write(OutputStream stream, Columns what, DeviceNetwork net, RowStream data, Model model,
                              LongConsumer rowsDone) throws IOException {
        int outputs = net.architecture().outputs();
        int chunk = net.capacity();
        // A Writer, not a PrintStream: a failed write (a full disk) throws instead of being ignored.
        Writer p = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        writeHeader(p, what, model);
        float[] x = new float[chunk * data.features()];
        float[] y = new float[chunk * outputs];
        long rows = 0;
        for (int count; (count = data.read(chunk, x, new float[0], new int[0])) > 0; rows += count) {
            net.loadBatch(x, null, count);
            net.forward(count);
            net.backend().copyOut(net.activations(net.architecture().depth()).topRows(count), y, 0);
            model.targetScaling().invert(y, count, outputs);
            write(p, what, y, count, outputs, model);
            rowsDone.accept(rows + count);
        }
        p.flush();
        return rows;
    }

    /**
     * A name as a CSV field that reads back as the same name: quoted (quotes doubled) when it holds
     * a comma, a quote or a line break, which RFC 4180 requires, and also a semicolon, a tab or
     * another control character, which a reader that sniffs the delimiter could otherwise split on.
     */
    static String csvField(String name) {
        return name.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != ',' && c != ';' && c != '"') ? name
                : '"' + name.replace("\"", "\"\"") + '"';
    }

    /** class, and the outputs: named after the regression targets the model was trained on, else y0, y1, .... */
    private static void writeHeader(Writer p, Columns what, Model model) throws IOException {
        StringBuilder head = new StringBuilder();
        if (what != Columns.OUTPUTS) {
            head.append("class");
        }
        if (what != Columns.CLASS) {
            for (int k = 0; k < model.network().architecture().outputs(); k++) {
                head.append(head.isEmpty() ? "" : ",").append(csvField(model.targetName(k)));
            }
        }
        p.append(head).append('\n');
    }

    private static void write(Writer p, Columns what, float[] y, int n, int outputs, Model model)
            throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            line.setLength(0);
            if (what != Columns.OUTPUTS) {
                line.append(csvField(model.className(Evaluator.argMax(y, i * outputs, outputs))));
            }
            if (what != Columns.CLASS) {
                for (int k = 0; k < outputs; k++) {
                    line.append(line.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.7g", y[i * outputs + k]));
                }
            }
            p.append(line).append('\n');
        }
    }
}
