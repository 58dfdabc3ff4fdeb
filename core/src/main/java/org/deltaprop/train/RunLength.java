package org.deltaprop.train;

/**
 * The batch size and epoch count a run gets when they are not given, from the number of
 * training rows: enough updates for a small data set to be learnt, and on a large one the
 * settings that suit Fashion-MNIST (batch 128, 10 epochs: 4,690 updates of its 60,000 rows).
 *
 * <p>With 128 rows a batch and 10 epochs, 120 rows (iris) would get 10 updates. So a batch
 * takes at most a sixteenth of the rows (at least {@value #MIN_BATCH} rows, at most
 * {@value #BATCH}), giving an epoch 16 updates or more, and there are enough epochs for
 * {@value #UPDATES} updates, at least {@value #MIN_EPOCHS} and at most {@value #MAX_EPOCHS}
 * (as many as scikit-learn's MLP allows itself by default).
 *
 * @param batch  rows per update
 * @param epochs passes over the training rows
 */
public record RunLength(int batch, int epochs) {

    /** The batch of large data sets. */
    public static final int BATCH = 128;
    public static final int MIN_BATCH = 16;
    /** Updates a run aims for: Fashion-MNIST's 10 epochs of 469 batches are about this many. */
    public static final int UPDATES = 4000;
    public static final int MIN_EPOCHS = 10;
    public static final int MAX_EPOCHS = 200;

    /** Throws unless {@code rows} is a batch: 1 row or more ({@link TrainingOptions#FULL_BATCH} for all). */
    public static void checkBatch(int rows) {
        if (rows < 1) {
            throw new SettingException("batch", rows + ": give a positive number of rows");
        }
    }

    /** Throws unless {@code count} is an epoch count: 1 or more. */
    public static void checkEpochs(int count) {
        if (count < 1) {
            throw new SettingException("epochs", count + ": give at least 1");
        }
    }

    /** The defaults for {@code rows} training rows. */
    public static RunLength forRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("no training rows");
        }
        int batch = Math.max(MIN_BATCH, Math.min(BATCH, rows / 16));
        int updatesPerEpoch = (rows + batch - 1) / batch;
        int epochs = Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, (UPDATES + updatesPerEpoch - 1) / updatesPerEpoch));
        return new RunLength(batch, epochs);
    }

    /** The updates this makes over {@code rows} training rows. */
    public long updates(int rows) {
        return (long) epochs * ((rows + Math.min(batch, rows) - 1) / Math.min(batch, rows));
    }
}
