package org.deltaprop.train;

import org.deltaprop.nn.Reduction;
import org.deltaprop.train.optimizer.Optimizer;

import java.io.Serializable;

/**
 * How to train: rows per update ({@link #FULL_BATCH} for full-batch gradient descent, 1
 * for on-line learning), how per-sample errors combine, L2 strength λ, the optimizer, and
 * the order each epoch visits the rows in, and the seed behind that order (and dropout's masks).
 *
 * <p>L2 regularisation adds scale·(λ/2)·Σ w² to the batch error, with scale = 1/B for the
 * mean and 1 for the sum (docs/MATH.md §6), so each weight gradient gains scale·λ·W.
 * Biases are not regularised.
 */
public record TrainingOptions(int batchSize, Reduction reduction, double l2, Optimizer optimizer, long seed,
                              SampleOrder order) implements Serializable {

    /** Batch size meaning "the whole training set in every update". */
    public static final int FULL_BATCH = Integer.MAX_VALUE;

    public TrainingOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("L2 strength must be a finite number ≥ 0, got " + l2);
        }
        if (reduction == null || optimizer == null || order == null) {
            throw new IllegalArgumentException("reduction, optimizer and sample order are required");
        }
    }

    /** Mini-batches of {@code batchSize}, mean reduction, no L2, shuffled by {@code seed}. */
    public static TrainingOptions of(int batchSize, Optimizer optimizer, long seed) {
        return new TrainingOptions(batchSize, Reduction.MEAN, 0, optimizer, seed, SampleOrder.SHUFFLE);
    }

    public TrainingOptions withBatch(int rows) {
        return new TrainingOptions(rows, reduction, l2, optimizer, seed, order);
    }

    public TrainingOptions withL2(double lambda) {
        return new TrainingOptions(batchSize, reduction, lambda, optimizer, seed, order);
    }

    public TrainingOptions withReduction(Reduction r) {
        return new TrainingOptions(batchSize, r, l2, optimizer, seed, order);
    }

    /** A full shuffle, or the rows in order. */
    public TrainingOptions withShuffle(boolean on) {
        return withOrder(on ? SampleOrder.SHUFFLE : SampleOrder.SEQUENTIAL);
    }

    public TrainingOptions withOrder(SampleOrder sampleOrder) {
        return new TrainingOptions(batchSize, reduction, l2, optimizer, seed, sampleOrder);
    }

    /** The rows per update for a training set of {@code rows}. */
    public int effectiveBatch(int rows) {
        return Math.min(batchSize, rows);
    }
}
