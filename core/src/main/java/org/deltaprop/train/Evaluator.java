package org.deltaprop.train;

import org.deltaprop.data.Dataset;
import org.deltaprop.data.RowStream;
import org.deltaprop.nn.Architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;

/**
 * Runs a network on a data set in batches (forward pass and loss only, no update) and
 * summarises: mean loss, and for classification accuracy and the confusion matrix.
 * Outputs come back to the host once per batch.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * @param loss      mean per-sample loss E_n (without L2)
     * @param accuracy  fraction of rows whose arg-max output is the label; NaN for regression
     * @param confusion [true class][predicted class] counts; null for regression
     */
    public record Evaluation(long samples, double loss, double accuracy, long[][] confusion) {
    }

    public static Evaluation evaluate(DeviceNetwork network, Dataset data) {
        return evaluate(network, data, rows -> { });
    }

    /** As {@link #evaluate(DeviceNetwork, Dataset)}, telling {@code rowsDone} how many rows are done after each batch. */
    public static Evaluation evaluate(DeviceNetwork network, Dataset data, LongConsumer rowsDone) {
        try {
            return evaluate(network, RowStream.of(data), rowsDone);
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a data set in memory or mapped does not fail to read
        }
    }

    /**
     * Mean loss, accuracy and confusion of rows read once, front to back, a batch of the
     * network's capacity at a time: constant memory whatever the number of rows.
     */
    public static Evaluation evaluate(DeviceNetwork network, RowStream data, LongConsumer rowsDone) throws IOException {
        Architecture arch = network.architecture();
        if (data.features() != arch.inputs() || data.targetWidth() != arch.outputs()) {
            throw new IllegalArgumentException("the data has " + data.features() + " features and "
                    + data.targetWidth() + " targets per row; the network " + arch.sizes() + " needs "
                    + arch.inputs() + " and " + arch.outputs());
        }
        int capacity = network.capacity();
        int outputs = arch.outputs();
        int classes = data.classes();
        float[] x = new float[capacity * arch.inputs()];
        float[] t = new float[capacity * outputs];
        float[] y = new float[capacity * outputs];
        int[] labels = new int[capacity];
        float[] rowLoss = new float[capacity];
        long[][] confusion = classes > 0 ? new long[classes][classes] : null;
        double lossSum = 0;
        long correct = 0;
        long samples = 0;
        for (int rows; (rows = data.read(capacity, x, t, labels)) > 0; samples += rows) {
            rowsDone.accept(samples);
            network.loadBatch(x, t, rows);
            network.forward(rows);
            network.outputDelta(1f, rows);
            network.backend().copyOut(network.rowLoss().topRows(rows), rowLoss, 0);
            for (int i = 0; i < rows; i++) {
                lossSum += rowLoss[i];
            }
            if (classes > 0) {
                network.backend().copyOut(network.activations(arch.depth()).topRows(rows), y, 0);
                for (int i = 0; i < rows; i++) {
                    int predicted = argMax(y, i * outputs, outputs);
                    confusion[labels[i]][predicted]++;
                    correct += labels[i] == predicted ? 1 : 0;
                }
            }
        }
        rowsDone.accept(samples);
        double accuracy = classes > 0 ? (double) correct / samples : Double.NaN;
        return new Evaluation(samples, lossSum / samples, accuracy, confusion);
    }

    /** Network outputs Y (rows × nᴸ) for the inputs x (rows × n⁰), in batches of the network's capacity. */
    public static float[] predict(DeviceNetwork network, float[] x, int rows) {
        Architecture arch = network.architecture();
        if (x.length != (long) rows * arch.inputs()) {
            throw new IllegalArgumentException(rows + " rows of " + arch.inputs() + " inputs need "
                    + (long) rows * arch.inputs() + " values, got " + x.length);
        }
        int capacity = network.capacity();
        float[] y = new float[rows * arch.outputs()];
        float[] chunk = new float[capacity * arch.inputs()];
        for (int from = 0; from < rows; from += capacity) {
            int count = Math.min(capacity, rows - from);
            System.arraycopy(x, from * arch.inputs(), chunk, 0, count * arch.inputs());
            network.loadBatch(chunk, null, count);
            network.forward(count);
            network.backend().copyOut(network.activations(arch.depth()).topRows(count), y, from * arch.outputs());
        }
        return y;
    }

    /** The index of the largest of {@code n} values from {@code start}; the first on ties. */
    public static int argMax(float[] values, int start, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (values[start + k] > values[start + best]) {
                best = k;
            }
        }
        return best;
    }
}
