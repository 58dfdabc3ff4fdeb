package org.deltaprop.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deltaprop.data.BadDataException;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.RowStream;
import org.deltaprop.data.store.StoreDataset;
import org.deltaprop.io.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks shared by train (--test, --init), eval and predict, and the progress bar of eval and predict. */
final class Predictor {

    private Predictor() {
    }

    private static final int FASHION_MNIST_PIXELS = 784;
    private static final int FASHION_MNIST_CLASSES = 10;

    /**
     * The data a command falls back to when {@code option} was not given: "fashion-mnist" for a
     * model shaped for it; for any other, an error saying what the data must hold, since no default
     * could fit it.
     */
    static String defaultData(Model m, Path modelPath, String option, String purpose) {
        int inputs = m.network().architecture().inputs();
        if (inputs == FASHION_MNIST_PIXELS && m.classes() == FASHION_MNIST_CLASSES) {
            return "fashion-mnist";
        }
        List<String> names = m.featureNames();
        throw new Main.UserException("give the data " + purpose + " with " + option + ": " + modelPath + " takes "
                + inputs + " features" + (names.isEmpty() ? "" : " (" + String.join(", ", names.subList(0,
                Math.min(12, names.size()))) + (names.size() > 12 ? ", ..." : "") + ")") + " and " + (m.classes() > 0
                ? "predicts " + m.classes() + " classes" + (m.classNames().isEmpty() ? " (0.." + (m.classes() - 1) + ")"
                : " (" + String.join(", ", m.classNames()) + ")") + ", so each row needs those features and a class "
                + "column" : "predicts " + m.network().architecture().outputs() + " regression target(s)"
                + (m.targetNames().isEmpty() ? "" : " (" + String.join(", ", m.targetNames()) + ")") + ", so each row "
                + "needs those features and the target column(s)"));
    }

    /**
     * {@link #leavingOutUnknownColumns(List, Path, CsvReader.Options)} for the features of {@code model},
     * naming {@code file} as {@code shown} ("standard input" for a copy of it).
     */
    static CsvReader.Options leavingOutUnknownColumns(Model model, Path file, String shown, CsvReader.Options options)
            throws IOException {
        return leavingOutUnknownColumns(model.featureNames(), file, shown, options);
    }

    /**
     * The CSV options for running a model of features {@code expected} on {@code file}, leaving out
     * the file's columns that the model was not trained on (an identifier, a date, the class column
     * beside the features given to predict), when the rest are the model's features in its order:
     * they are told apart by name, so no value can reach another feature's weights. Says which, on
     * standard error. Anything else (no names, a feature missing or moved, a file that cannot be
     * read) is left to the reading and {@link #checkColumns} to report.
     */
    static CsvReader.Options leavingOutUnknownColumns(List<String> expected, Path file, CsvReader.Options options)
            throws IOException {
        return leavingOutUnknownColumns(expected, file, file.toString(), options);
    }

    private static CsvReader.Options leavingOutUnknownColumns(List<String> expected, Path file, String shown,
                                                              CsvReader.Options options) throws IOException {
        if (expected.isEmpty() || !Files.isRegularFile(file) || StoreDataset.isStore(file) || DataFiles.isIdx(file)) {
            return options;
        }
        List<String> actual;
        try (CsvReader.Rows rows = CsvReader.rows(file, options)) {
            actual = rows.featureNames();
        } catch (BadDataException e) {
            return options;
        }
        List<String> unknown = actual.stream().filter(name -> !expected.contains(name)).toList();
        List<String> rest = actual.stream().filter(expected::contains).toList();
        if (unknown.isEmpty() || !rest.equals(expected)) {
            return options;
        }
        boolean unnamed = unknown.contains("");
        System.err.println("deltaprop: leaving out " + (unknown.size() == 1 ? "column " : "columns ")
                + list(unknown).replace("''", "(unnamed)") + " of " + shown + ", which the model was not trained on"
                + (unnamed ? "" : " (--ignore-columns " + String.join(",", unknown) + " says so)"));
        List<String> ignored = new ArrayList<>(options.ignoredColumns());
        ignored.addAll(unknown);
        return options.withIgnoredColumns(ignored);
    }

    /** The data must have exactly the model's input width. */
    static void checkWidth(Model model, int features, Path file) {
        int inputs = model.network().architecture().inputs();
        if (features != inputs) {
            throw new Main.UserException(file + " has " + features + " features per row but the model takes " + inputs
                    + (features == inputs + 1 ? " (if one column is the label, name it with --label-column)" : ""));
        }
    }

    /**
     * When both the model and the data name their features (the training file's header and this
     * file's), they must be the same names in the same order: a column missing, added or moved
     * would otherwise feed one feature's values to another's weights.
     */
    static void checkColumns(List<String> expected, List<String> actual, Path file) {
        if (expected.isEmpty() || actual.isEmpty() || expected.equals(actual)) {
            return;
        }
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(actual);
        List<String> unknown = new ArrayList<>(actual);
        unknown.removeAll(expected);
        // All the model's features, in another order (beside columns it does not know, or not).
        List<String> known = actual.stream().filter(expected::contains).toList();
        if (missing.isEmpty() && known.size() == expected.size() && !known.equals(expected)) {
            int i = 0;
            while (known.get(i).equals(expected.get(i))) {
                i++;
            }
            throw new Main.UserException(file + " has the model's feature columns in another order: feature "
                    + (i + 1) + " is '" + known.get(i) + "' where the model was trained on '" + expected.get(i)
                    + "'; put the columns in the model's order: " + list(expected));
        }
        StringBuilder problem = new StringBuilder(file.toString());
        if (!missing.isEmpty()) {
            problem.append(" lacks the feature column").append(missing.size() > 1 ? "s " : " ").append(list(missing))
                    .append(" that the model was trained on");
        }
        if (!unknown.isEmpty()) {
            problem.append(missing.isEmpty() ? "" : ", and").append(" has the column")
                    .append(unknown.size() > 1 ? "s " : " ").append(list(unknown)).append(" that the model does not "
                            + "know (a class or target column is named with --label-column; other columns are left "
                            + "out with --ignore-columns)");
        }
        throw new Main.UserException(problem.append("; the model's features are ").append(list(expected)).toString());
    }

    /**
     * The data's class names (a store's, or those a CSV was read with) must be the model's, index
     * for index, as a CSV's class names must: a store whose class 0 is 'cat' scored against a model
     * whose class 0 is 'dog' would count every cat as a dog. Numbered classes match numbered classes
     * only.
     */
    static void checkClassNames(List<String> expected, List<String> actual, Path file) {
        if (expected.equals(actual)) {
            return;
        }
        if (expected.isEmpty()) {
            throw new Main.UserException(file + " names its classes " + list(actual) + ", but the model was trained on "
                    + "numbered classes without names, so which of its numbers each name stands for is not known; "
                    + "evaluate it on data numbered as its training data was");
        }
        String fix = "deltaprop convert with --class-names " + String.join(",", expected);
        if (actual.isEmpty()) {
            throw new Main.UserException(file + " numbers its classes without names, but the model's classes are "
                    + list(expected) + "; if the data's numbers are these classes in this order, name them: " + fix);
        }
        int k = 0;
        while (k < Math.min(expected.size(), actual.size()) && expected.get(k).equals(actual.get(k))) {
            k++;
        }
        throw new Main.UserException(file + (k < actual.size() ? "'s class " + k + " is '" + actual.get(k) + "'"
                : " has " + actual.size() + " classes") + " where the model's " + (k < expected.size() ? "class " + k
                + " is '" + expected.get(k) + "'" : "has " + expected.size()) + " (the model's classes: " + list(expected)
                + "; the data's: " + list(actual) + "), so the same number would mean different classes; convert the "
                + "data again from its CSV so that each class keeps the model's number: " + fix);
    }

    /**
     * The data's target columns, when named, must be those the model was trained to predict: a
     * column chosen with --label-column that holds another quantity would be scored as if it were
     * the model's.
     */
    static void checkTargetNames(List<String> expected, List<String> actual, Path file) {
        if (expected.isEmpty() || actual.isEmpty() || expected.equals(actual)) {
            return;
        }
        throw new Main.UserException(file + " has the target column" + (actual.size() > 1 ? "s " : " ") + list(actual)
                + " where the model predicts " + list(expected) + "; leave --label-column out to take the model's "
                + "target column" + (expected.size() > 1 ? "s" : "") + " by name, or rename the column if it holds "
                + "the same quantity");
    }

    private static String list(List<String> names) {
        String all = "'" + String.join("', '", names.subList(0, Math.min(12, names.size()))) + "'";
        return names.size() > 12 ? all + ", ... (" + names.size() + " in all)" : all;
    }

    /** Rows above which a bar is worth drawing, and the CSV size that stands for them when the count is unknown. */
    private static final long BAR_ROWS = 100_000;
    private static final long BAR_BYTES = 16L << 20;

    /**
     * A bar on a terminal (on standard error) for data that takes a while, or null: a store of
     * millions of rows, or a CSV of more than 16 MB, whose row count is not known until it is read.
     */
    static ProgressBar progressBar(String task, RowStream rows, Path file, boolean off) throws IOException {
        if (off || System.console() == null) {
            return null;
        }
        long size = rows.size();
        boolean large = size >= 0 ? size > BAR_ROWS : Files.isRegularFile(file) && Files.size(file) > BAR_BYTES;
        return large ? new ProgressBarBuilder().setTaskName(task).setInitialMax(size).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" rows", 1).build() : null;
    }
}
