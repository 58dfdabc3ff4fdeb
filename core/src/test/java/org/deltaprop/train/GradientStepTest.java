package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gradient step's two halves, accumulation, and the flat arrays data-parallel training exchanges. */
class GradientStepTest {

    private static final Architecture ARCH = Architecture.of("5-7-3", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.TANH, Activation.SOFTMAX);

    private static float[][] batch(Dataset data, int from, int rows) {
        int[] order = new int[rows];
        Arrays.setAll(order, i -> from + i);
        float[] x = new float[rows * ARCH.inputs()];
        float[] t = new float[rows * ARCH.outputs()];
        data.gather(order, 0, rows, x, t);
        return new float[][] {x, t};
    }

    /** With the sum reduction, the gradient of two batches is the sum of their gradients, L2 term per call included. */
    @Test
    void accumulatedGradientsAreTheSumOfEachBatchs() {
        Dataset data = ConformanceChecks.randomData(ARCH, 12, 3);
        float[][] a = batch(data, 0, 6);
        float[][] b = batch(data, 6, 6);
        try (Backend backend = new ScalarBackend();
             DeviceNetwork net = new DeviceNetwork(backend, Network.initialize(ARCH, 3), 6);
             Gradients sum = net.newGradients()) {
            GradientStep step = new GradientStep(net, Reduction.SUM, 0.01, 0);
            sum.fromArray(filled(sum.size(), Float.NaN));          // overwritten, not added to
            step.gradients(a[0], a[1], 6, sum, false);
            step.gradients(b[0], b[1], 6, sum, true);
            step.gradients(a[0], a[1], 6, net.gradients(), false);
            float[] ga = net.gradients().toArray();
            step.gradients(b[0], b[1], 6, net.gradients(), false);
            float[] gb = net.gradients().toArray();
            float[] both = sum.toArray();
            for (int i = 0; i < both.length; i++) {
                assertEquals(ga[i] + gb[i], both[i], 1e-6 * (1 + Math.abs(both[i])), "value " + i);
            }
            assertTrue(Arrays.stream(toDouble(ga)).anyMatch(v -> v != 0));
        }
    }

    /** The shards of a batch, each scaled as a part of the whole (L2 shared by rows), sum to the batch's mean gradient. */
    @Test
    void shardsOfABatchSumToItsGradient() {
        Dataset data = ConformanceChecks.randomData(ARCH, 10, 5);
        float[][] whole = batch(data, 0, 10);
        float[][] first = batch(data, 0, 3);
        float[][] rest = batch(data, 3, 7);
        try (Backend backend = new ScalarBackend();
             DeviceNetwork net = new DeviceNetwork(backend, Network.initialize(ARCH, 5), 10);
             Gradients shards = net.newGradients()) {
            GradientStep step = new GradientStep(net, Reduction.MEAN, 0.1, 0);
            step.gradients(whole[0], whole[1], 10, net.gradients(), false);
            float[] expected = net.gradients().toArray();
            net.loadBatch(first[0], first[1], 3);
            step.gradientsOfShard(3, 10, shards, false, null);
            net.loadBatch(rest[0], rest[1], 7);
            step.gradientsOfShard(7, 10, shards, true, null);
            float[] sum = shards.toArray();
            for (int i = 0; i < sum.length; i++) {
                assertEquals(expected[i], sum[i], 1e-6 * (1 + Math.abs(expected[i])), "value " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> step.gradientsOfShard(11, 10, shards, false, null));
        }
    }

    /** An optimizer's state leaves as one flat array (parameter by parameter, m then v) and comes back the same. */
    @Test
    void optimizerStateRoundTripsThroughAFlatArray() {
        Dataset data = ConformanceChecks.randomData(ARCH, 4, 6);
        float[][] b = batch(data, 0, 4);
        try (Backend backend = new ScalarBackend();
             DeviceNetwork net = new DeviceNetwork(backend, Network.initialize(ARCH, 6), 4);
             GradientStep step = new GradientStep(net, TrainingOptions.of(4, Optimizer.adam(0.01), 1));
             OptimizerState copy = new OptimizerState(Optimizer.adam(0.01), net)) {
            step.gradients(b[0], b[1], 4, net.gradients(), false);
            step.apply(net.gradients(), 0.01);
            float[] state = step.optimizer().toArray();
            assertEquals(2 * net.gradients().size(), state.length);
            float[] m1 = new float[ARCH.units(1) * ARCH.units(0)];
            backend.copyOut(step.optimizer().state(0).get(0), m1, 0);
            assertArrayEquals(m1, Arrays.copyOf(state, m1.length), "W1's m comes first");
            copy.fromArray(state);
            assertArrayEquals(state, copy.toArray());
            assertThrows(IllegalArgumentException.class, () -> copy.fromArray(new float[3]));
        }
    }

    /** apply() is the optimizer's update with the gradients given: SGD moves the flat parameters by −η·g. */
    @Test
    void applyUpdatesEveryParameterFromTheGivenGradients() {
        try (Backend backend = new ScalarBackend();
             DeviceNetwork net = new DeviceNetwork(backend, Network.initialize(ARCH, 4), 4);
             Gradients g = net.newGradients();
             GradientStep step = new GradientStep(net, TrainingOptions.of(4, Optimizer.sgd(0.5), 1))) {
            float[] before = net.exportParameters();
            float[] grad = new float[g.size()];
            for (int i = 0; i < grad.length; i++) {
                grad[i] = (i % 7) - 3;
            }
            g.fromArray(grad);
            assertArrayEquals(grad, g.toArray());
            step.apply(g, 0.5);
            float[] after = net.exportParameters();
            for (int i = 0; i < after.length; i++) {
                assertEquals(before[i] - 0.5f * grad[i], after[i], 1e-6, "parameter " + i);
            }
            assertEquals(1, step.optimizer().steps());
        }
    }

    @Test
    void flatParametersFollowPyTorchsParameterOrder() {
        Network network = Network.initialize(ARCH, 5);
        try (Backend backend = new ScalarBackend(); DeviceNetwork net = new DeviceNetwork(backend, network, 1)) {
            float[] flat = net.exportParameters();
            assertEquals(ARCH.parameterCount(), flat.length);
            int w1 = 7 * 5;
            assertArrayEquals(network.weights(1), Arrays.copyOfRange(flat, 0, w1));
            assertArrayEquals(network.bias(1), Arrays.copyOfRange(flat, w1, w1 + 7));
            assertArrayEquals(network.weights(2), Arrays.copyOfRange(flat, w1 + 7, w1 + 7 + 21));
            float[] changed = flat.clone();
            changed[flat.length - 1] = 42f;
            net.importParameters(changed);
            assertArrayEquals(changed, net.exportParameters());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.importParameters(new float[3]));
            assertTrue(e.getMessage().contains(flat.length + " values"), e.getMessage());
        }
    }

    /** Evaluation passes dropout layers through; a training pass drops about p of each hidden layer's outputs. */
    @Test
    void dropoutActsInTrainingOnly() {
        Architecture wide = Architecture.of("5-400-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SIGMOID,
                Activation.SOFTMAX);
        Network plain = Network.initialize(wide, 8);
        Network dropped = Network.of(wide.withHiddenDropout(0.25), new float[][] {plain.weights(1), plain.weights(2)},
                new float[][] {plain.bias(1), plain.bias(2)});
        float[] x = {0.1f, -0.4f, 0.3f, 0.9f, -0.2f, 0.5f, 0.5f, -0.5f, 0.1f, 0f};
        try (Backend backend = new ScalarBackend();
             DeviceNetwork a = new DeviceNetwork(backend, plain, 2);
             DeviceNetwork b = new DeviceNetwork(backend, dropped, 2)) {
            a.loadBatch(x, null, 2);
            b.loadBatch(x, null, 2);
            a.forward(2);
            b.forward(2);
            float[] ya = new float[6];
            float[] yb = new float[6];
            backend.copyOut(a.activations(2).topRows(2), ya, 0);
            backend.copyOut(b.activations(2).topRows(2), yb, 0);
            assertArrayEquals(ya, yb, "evaluation is the network without dropout");
            b.forwardTraining(2, 99);
            backend.copyOut(b.activations(2).topRows(2), yb, 0);
            assertFalse(Arrays.equals(ya, yb), "training drops");
            // The output layer read D = X¹ ⊙ M / (1 − p), the mask redone here from its definition.
            float[] hidden = new float[800];
            backend.copyOut(b.activations(1).topRows(2), hidden, 0);
            int key = DropoutMask.key(DeviceNetwork.layerSeed(99, 1));
            int threshold = DropoutMask.threshold(0.25f);
            int zeros = 0;
            for (int n = 0; n < 2; n++) {
                double[] s = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 3; k++) {
                    s[k] = plain.bias(2)[k];
                    for (int j = 0; j < 400; j++) {
                        boolean kept = DropoutMask.kept(key, n * 400 + j, threshold);
                        zeros += kept || k > 0 ? 0 : 1;
                        s[k] += plain.weights(2)[k * 400 + j] * (kept ? hidden[n * 400 + j] / 0.75 : 0);
                    }
                    max = Math.max(max, s[k]);
                }
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += Math.exp(s[k] - max);
                }
                for (int k = 0; k < 3; k++) {
                    assertEquals(Math.exp(s[k] - max) / sum, yb[n * 3 + k], 1e-5, "row " + n + ", output " + k);
                }
            }
            double sd = Math.sqrt(800 * 0.25 * 0.75);
            assertTrue(Math.abs(zeros - 200) < 4 * sd, zeros + " of 800 dropped at p = 0.25");
        }
    }

    @Test
    void aGradientOnlyStepRefusesToApply() {
        try (Backend backend = new ScalarBackend(); DeviceNetwork net = new DeviceNetwork(backend,
                Network.initialize(ARCH, 6), 2)) {
            GradientStep step = new GradientStep(net, Reduction.MEAN, 0, 0);
            assertThrows(IllegalStateException.class, () -> step.apply(net.gradients(), 0.1));
        }
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
