package org.deltaprop.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * What a round's tasks send back, summed over partitions by Spark's tree aggregation: the rows
 * trained on, a vector (gradient averaging: the gradient of those rows' share of the batch; local
 * SGD: weights and optimizer state, each times its partition's rows), and the data loss summed
 * over the rows with the count of correct predictions, for the epoch's report.
 */
final class RoundResult implements Serializable {

    private static final long serialVersionUID = 1L;

    long rows;
    transient float[] values;    // null while nothing has been added; serialized as a block
    double lossSum;
    long correct;
    long computeNanos;       // the slowest partition's time in its steps: the round's compute, without Spark's part

    RoundResult() {
    }

    RoundResult(long rows, float[] values, double lossSum, long correct, long computeNanos) {
        this.rows = rows;
        this.values = values;
        this.lossSum = lossSum;
        this.correct = correct;
        this.computeNanos = computeNanos;
    }

    /** Adds {@code other} into this one and returns it (Spark lets aggregation reuse its first argument). */
    RoundResult add(RoundResult other) {
        if (other.values != null) {
            if (values == null) {
                values = other.values.clone();
            } else {
                for (int i = 0; i < values.length; i++) {
                    values[i] += other.values[i];
                }
            }
        }
        rows += other.rows;
        lossSum += other.lossSum;
        correct += other.correct;
        computeNanos = Math.max(computeNanos, other.computeNanos);
        return this;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        FloatBlock.write(out, values);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        values = FloatBlock.read(in);
    }
}
