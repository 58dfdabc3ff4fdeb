package org.deltaprop.cli;

import org.deltaprop.train.RunLength;
import org.deltaprop.train.SettingException;
import org.deltaprop.train.Training;
import org.deltaprop.train.TrainingOptions;
import picocli.CommandLine.Option;

import java.util.function.IntSupplier;

/**
 * {@code --batch}, {@code --epochs} and {@code --seed}: how many updates of how many rows, drawn
 * in which order. The batch and epochs not given are sized to the training rows ({@link RunLength}).
 */
public final class RunOptions {

    @Option(names = "--batch", paramLabel = "B|all",
            description = "Rows per update: 1 is on-line learning, 'all' full-batch gradient descent (default: "
                    + "128, or a sixteenth of the training rows when that is less, and at least 16).")
    String batch;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs (default: enough for about 4,000 updates, at least 10 and at most 200: 10 for "
                    + "60,000 rows in batches of 128).")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed for the weights, the validation split and the sample order (default: ${DEFAULT-VALUE}).")
    long seed;

    public long seed() {
        return seed;
    }

    public boolean batchGiven() {
        return batch != null;
    }

    public boolean epochsGiven() {
        return epochs != null;
    }

    /** Sets the batch and the epochs given on {@code training}, which sizes the others to the data. */
    void applyTo(Training training) {
        if (epochs != null) {
            training.epochs(epochs);
        }
        if (batch != null) {
            int rows = batchRows();
            if (rows == TrainingOptions.FULL_BATCH) {
                training.fullBatch();
            } else {
                training.batch(rows);
            }
        }
    }

    /**
     * The batch ({@link TrainingOptions#FULL_BATCH} for all) and epochs given, the others sized as
     * {@code deltaprop train} sizes them to the training rows, which are counted only then.
     */
    public RunLength runLength(IntSupplier trainingRows) {
        check();
        if (batch != null && epochs != null) {
            return new RunLength(batchRows(), epochs);
        }
        RunLength sized = RunLength.forRows(trainingRows.getAsInt());
        return new RunLength(batch != null ? batchRows() : sized.batch(), epochs != null ? epochs : sized.epochs());
    }

    /** Throws what {@code deltaprop train} says of the batch and epochs given, before any data is read. */
    public void check() {
        try {
            if (batch != null) {
                RunLength.checkBatch(batchRows());
            }
            if (epochs != null) {
                RunLength.checkEpochs(epochs);
            }
        } catch (SettingException e) {
            throw Main.UserException.forSetting(e);
        }
    }

    /** --batch in rows: a number, or all. */
    private int batchRows() {
        if (batch.trim().equalsIgnoreCase("all")) {
            return TrainingOptions.FULL_BATCH;
        }
        try {
            return Integer.parseInt(batch.trim());
        } catch (NumberFormatException e) {
            throw new Main.UserException("--batch '" + batch + "': give a positive number of rows, or 'all'");
        }
    }
}
