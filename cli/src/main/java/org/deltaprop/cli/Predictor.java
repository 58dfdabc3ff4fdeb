package org.deltaprop.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deltaprop.data.RowStream;
import org.deltaprop.io.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks and the progress bar shared by eval and predict. */
final class Predictor {

    private Predictor() {
    }

    /** The data must have exactly the model's input width. */
    static void checkWidth(Model model, int features, Path file) {
        int inputs = model.network().architecture().inputs();
        if (features != inputs) {
            throw new Main.UserException(file + " has " + features + " features per row but the model takes " + inputs
                    + (features == inputs + 1 ? " (if one column is the label, name it with --label-column)" : ""));
        }
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
