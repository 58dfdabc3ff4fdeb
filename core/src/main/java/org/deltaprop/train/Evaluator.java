package org.deltaprop.train;

import org.deltaprop.data.Dataset;
import org.deltaprop.data.RowStream;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;

/**
 * Runs a network on a data set in batches (forward pass and loss only, no update) and
 * summarises: mean loss, for classification accuracy and the confusion matrix, and for
 * regression the errors in the targets' own units. Outputs come back to the host once per batch.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * @param loss       mean per-sample loss E_n (without L2), on the targets as the network was trained on them
     * @param accuracy   fraction of rows whose arg-max output is the label; NaN for regression
     * @param confusion  [true class][predicted class] counts; null for regression
     * @param regression the errors of regression outputs, in the targets' units; null for classification
     */
    public record Evaluation(long samples, double loss, double accuracy, long[][] confusion, Errors regression) {
    }

    /**
     * Regression errors over every output of every row, as scikit-learn computes them: mean
     * squared error, mean absolute error, and R² = 1 − SSE/SST per output (SST about the
     * output's mean over these rows), averaged over the outputs.
     */
    public record Errors(double mse, double mae, double r2) {
        public double rmse() {
            return Math.sqrt(mse);
        }
    }

    /** Evaluates a network whose targets are those of {@code data} as they are. */
    public static Evaluation evaluate(DeviceNetwork network, Dataset data) {
        return evaluate(network, data, Scaling.NONE, rows -> { });
    }

    /**
     * As {@link #evaluate(DeviceNetwork, RowStream, Scaling, LongConsumer)} on a data set in
     * memory or mapped.
     */
    public static Evaluation evaluate(DeviceNetwork network, Dataset data, Scaling targetScaling,
                                      LongConsumer rowsDone) {
        try {
            return evaluate(network, RowStream.of(data), targetScaling, rowsDone);
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a data set in memory or mapped does not fail to read
        }
    }

    /**
     * Mean loss, accuracy and confusion, or regression errors, of rows read once, front to back, a
     * batch of the network's capacity at a time: constant memory whatever the number of rows.
     * Regression targets are read in their units: {@code targetScaling} (what the network was
     * trained on, {@link Scaling#NONE} for none) scales them for the loss and turns the outputs
     * back into their units for the errors. {@code rowsDone} hears the rows done after each batch.
     */
    public static Evaluation evaluate(DeviceNetwork network, RowStream data, Scaling targetScaling,
                                      LongConsumer rowsDone) throws IOException {
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
        float[] units = new float[capacity * outputs];
        int[] labels = new int[capacity];
        float[] rowLoss = new float[capacity];
        long[][] confusion = classes > 0 ? new long[classes][classes] : null;
        double[] squared = new double[outputs];
        double[] absolute = new double[outputs];
        double[] targetSum = new double[outputs];
        double[] targetSquares = new double[outputs];
        double lossSum = 0;
        long correct = 0;
        long samples = 0;
        for (int rows; (rows = data.read(capacity, x, t, labels)) > 0; samples += rows) {
            rowsDone.accept(samples);
            if (classes == 0) {
                System.arraycopy(t, 0, units, 0, rows * outputs);
                targetScaling.apply(t, rows, outputs);
            }
            network.loadBatch(x, t, rows);
            network.forward(rows);
            network.outputDelta(1f, rows);
            network.backend().copyOut(network.rowLoss().topRows(rows), rowLoss, 0);
            for (int i = 0; i < rows; i++) {
                lossSum += rowLoss[i];
            }
            network.backend().copyOut(network.activations(arch.depth()).topRows(rows), y, 0);
            if (classes == 0) {
                targetScaling.invert(y, rows, outputs);
                for (int i = 0; i < rows * outputs; i++) {
                    double error = y[i] - units[i];
                    int k = i % outputs;
                    squared[k] += error * error;
                    absolute[k] += Math.abs(error);
                    targetSum[k] += units[i];
                    targetSquares[k] += (double) units[i] * units[i];
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    int predicted = argMax(y, i * outputs, outputs);
                    confusion[labels[i]][predicted]++;
                    correct += labels[i] == predicted ? 1 : 0;
                }
            }
        }
        rowsDone.accept(samples);
        double accuracy = classes > 0 ? (double) correct / samples : Double.NaN;
        return new Evaluation(samples, lossSum / samples, accuracy, confusion,
                classes > 0 ? null : errors(samples, squared, absolute, targetSum, targetSquares));
    }

    private static Errors errors(long n, double[] squared, double[] absolute, double[] targetSum,
                                 double[] targetSquares) {
        int outputs = squared.length;
        double sse = 0;
        double sae = 0;
        double r2 = 0;
        for (int k = 0; k < outputs; k++) {
            sse += squared[k];
            sae += absolute[k];
            r2 += 1 - squared[k] / (targetSquares[k] - targetSum[k] * targetSum[k] / n);
        }
        return new Errors(sse / ((double) n * outputs), sae / ((double) n * outputs), r2 / outputs);
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
