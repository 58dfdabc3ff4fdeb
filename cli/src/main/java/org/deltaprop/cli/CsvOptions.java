package org.deltaprop.cli;

import org.deltaprop.data.CsvReader;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Delimiter;
import org.deltaprop.data.QuantityLabelException;
import org.deltaprop.io.Model;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How to read CSV data files: shared by train, eval and convert (predict takes the options it needs). */
final class CsvOptions {

    @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = "Whether a CSV file's first line is a header (default: ${DEFAULT-VALUE}: a header if "
                    + "a field of the first line is text where the second line has a number, or if it reads "
                    + "0,1,...,n-1 as pandas writes unnamed columns).")
    CsvReader.Header header;

    @Option(names = "--delimiter", paramLabel = "auto|,|;|tab|whitespace", defaultValue = "auto",
            description = "What separates a CSV file's fields (default: ${DEFAULT-VALUE}: sniffed from the first "
                    + "lines).")
    String delimiter;

    @Option(names = "--label-column", paramLabel = "NAME|N",
            description = "The CSV column holding the class (numbers 0, 1, 2, ... or names) or the number to "
                    + "predict, by header name or number from 1 (default: a column named label, class, target or y, "
                    + "else the last). train and convert take a column of non-integer numbers (22.6), or of more "
                    + "distinct whole numbers than classes could be (prices, ages), as a regression target.")
    String labelColumn;

    @Option(names = "--label-offset", paramLabel = "N", defaultValue = "0",
            description = "Subtracted from numeric class labels: 1 for classes numbered 1..K (default: "
                    + "${DEFAULT-VALUE}). Classes named by text, and regression targets, have no offset.")
    int labelOffset;

    @Option(names = "--targets", paramLabel = "K", defaultValue = "0",
            description = "Regression: K CSV columns are numeric targets: the last K, or for K = 1 the label "
                    + "column (default: classification, except that train and convert take a label column that "
                    + "reads as a quantity as one target; integer targets of few values need --targets 1).")
    int regressionTargets;

    @Option(names = "--ignore-columns", paramLabel = "NAME|N", split = ",", splitSynopsisLabel = ",",
            description = IGNORE_COLUMNS)
    List<String> ignoredColumns = new ArrayList<>();

    /** What --ignore-columns does, as train, eval, convert and predict say it. */
    static final String IGNORE_COLUMNS = "CSV columns that are neither features nor targets (an identifier, a date, "
            + "free text), by header name or number from 1: skipped unread. eval and predict also leave out, by "
            + "name, the columns a model was not trained on, and say so.";

    CsvReader.Options options() {
        if (labelOffset != 0 && regressionTargets > 0) {
            throw new Main.UserException("--label-offset " + labelOffset + " shifts class numbers, but --targets "
                    + regressionTargets + " reads regression targets, which are taken as they are: leave "
                    + "--label-offset out");
        }
        return CsvReader.Options.classification().withHeader(header).withDelimiter(Delimiter.parse(delimiter))
                .withLabelColumn(labelColumn).withLabelOffset(labelOffset).withTargets(regressionTargets)
                .withIgnoredColumns(ignoredColumns);
    }

    /**
     * What train and convert say when they take a label column that reads as a quantity as one
     * regression target, {@code doing} it.
     */
    static void sayRegression(QuantityLabelException e, String doing) {
        System.out.printf(Locale.ROOT, "%s %s: %s (give --targets 1 to say so, or --label-column to pick another "
                + "column)%n", e.column(), e.evidence(), doing);
    }

    /**
     * The options for data that {@code model} (read from {@code modelFile}) is run on or trained
     * further on: its classes and their names, or as many regression targets as it has outputs,
     * in the columns named after its targets, unless --targets says otherwise.
     */
    CsvReader.Options forModel(Model model, Path modelFile) {
        CsvReader.Options options = options();
        if (model.classes() > 0 && options.regressionTargets() > 0) {
            throw new Main.UserException("--targets " + options.regressionTargets() + ": " + modelFile + " is a "
                    + "classifier of " + model.classes() + " classes; leave --targets out");
        }
        if (labelOffset != 0 && model.classes() == 0) {
            throw new Main.UserException("--label-offset " + labelOffset + " shifts class numbers, but " + modelFile
                    + " is a regression model, whose targets are read as they are: leave --label-offset out");
        }
        if (labelOffset != 0 && !model.classNames().isEmpty()
                && model.classNames().stream().allMatch(name -> name.matches("-?[0-9]+"))) {
            // A model trained with an offset names its classes by the numbers as written, and labels
            // are matched to those names: giving the offset again changes nothing, but says so.
            System.err.println("deltaprop: --label-offset " + labelOffset + " is not needed: " + modelFile
                    + " names its classes " + String.join(", ", model.classNames()) + " as they were written in "
                    + "training, and labels are matched to those names as written");
        }
        if (model.classes() == 0 && options.regressionTargets() == 0) {
            options = options.withTargets(model.network().architecture().outputs());
        }
        return options.withClasses(model.classes(), model.classNames()).withTargetNames(model.targetNames());
    }

    /** The options for the test data of a training run on {@code training}: its task, classes and targets. */
    CsvReader.Options forTestOf(Dataset training) {
        CsvReader.Options options = options();
        return training.classes() > 0 ? options.withClasses(training.classes(), training.classNames())
                : options.withTargets(training.targetWidth()).withTargetNames(training.targetNames());
    }
}
