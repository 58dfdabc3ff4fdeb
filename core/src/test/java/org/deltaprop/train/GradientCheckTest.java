package org.deltaprop.train;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-network backpropagation (the reference backend running {@link DeviceNetwork})
 * against central finite differences of the double-precision batch error, for depths 1–4,
 * mixed activations and every loss, mean and sum, with and without L2.
 */
class GradientCheckTest {

    /**
     * Float32 storage puts the backprop gradients about 1e-6 (relative to each tensor's
     * largest entry) from the exact ones; a wrong formula is off by order 1.
     */
    private static final double LIMIT = 1e-4;

    record Case(Architecture architecture, Reduction reduction, double l2, int rows) {
        @Override
        public String toString() {
            return architecture + ", " + reduction + ", L2 " + l2 + ", " + rows + " rows";
        }
    }

    static List<Case> cases() {
        Activation gsig = Activation.genericSigmoid(1.7159, 0.6667, 0.3, -0.25);
        return List.of(
                new Case(Architecture.of("4-3", Loss.HALF_SUM_OF_SQUARES, Activation.SIGMOID), Reduction.SUM, 0, 1),
                new Case(Architecture.of("5-3", Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID), Reduction.MEAN, 0.1, 6),
                new Case(Architecture.of("3-6-4", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SOFTMAX),
                        Reduction.MEAN, 0, 5),
                new Case(Architecture.of("3-5-2", Loss.SUM_OF_SQUARES, Activation.GUDERMANNIAN, Activation.IDENTITY),
                        Reduction.SUM, 0.05, 4),
                new Case(Architecture.of("6-7-5-3", Loss.HALF_SUM_OF_SQUARES, Activation.RELU, gsig, Activation.TANH),
                        Reduction.MEAN, 0, 8),
                new Case(Architecture.of("4-6-5-4-2", Loss.BINARY_CROSS_ENTROPY, Activation.TANH, Activation.RELU,
                        Activation.GUDERMANNIAN, Activation.SIGMOID), Reduction.SUM, 0.01, 3),
                new Case(Architecture.of("5-8-6-4-3", Loss.CATEGORICAL_CROSS_ENTROPY, gsig, Activation.SIGMOID,
                        Activation.IDENTITY, Activation.SOFTMAX), Reduction.MEAN, 0.02, 7),
                new Case(Architecture.of("2-4-4-4-1", Loss.SUM_OF_SQUARES, Activation.SIGMOID, Activation.TANH,
                        Activation.GUDERMANNIAN, gsig), Reduction.MEAN, 0, 1),
                // Dropout (docs/MATH.md §8): the backward pass must scale δ·W by the forward pass's masks.
                new Case(Architecture.of("6-9-7-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SIGMOID,
                        Activation.SOFTMAX).withHiddenDropout(0.3), Reduction.MEAN, 0.01, 6),
                new Case(new Architecture(5, List.of(Layer.dense(8, Activation.RELU), Layer.dropout(0.5),
                        Layer.dense(6, gsig), Layer.dense(2, Activation.SIGMOID)), Loss.BINARY_CROSS_ENTROPY),
                        Reduction.SUM, 0, 5));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backpropMatchesFiniteDifferences(Case c) {
        Architecture arch = c.architecture();
        // Seeded by the case's text: a record's hashCode mixes in enum identity hashes, which
        // change from one JVM to the next (that once drew data on which a ReLU layer was dead).
        SplittableRandom random = new SplittableRandom(c.toString().hashCode());
        float[] x = new float[c.rows() * arch.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * random.nextDouble() - 1);
        }
        float[] t = new float[c.rows() * arch.outputs()];
        for (int n = 0; n < c.rows(); n++) {
            if (arch.loss() == Loss.CATEGORICAL_CROSS_ENTROPY) {
                t[n * arch.outputs() + random.nextInt(arch.outputs())] = 1;
            } else {
                for (int k = 0; k < arch.outputs(); k++) {
                    t[n * arch.outputs() + k] = (float) random.nextDouble();
                }
            }
        }
        Network network = Network.initialize(arch, 42);
        // Non-zero biases, so that their gradients flow through every formula.
        for (int h = 1; h <= arch.depth(); h++) {
            for (int j = 0; j < network.bias(h).length; j++) {
                network.bias(h)[j] = (float) (0.2 * random.nextDouble() - 0.1);
            }
        }
        GradientCheck.Report report = GradientCheck.check(new ScalarBackend(), network, x, t, c.rows(), c.reduction(),
                c.l2(), Integer.MAX_VALUE, 7);
        assertEquals(2 * arch.depth(), report.tensors().size());
        for (GradientCheck.TensorReport tensor : report.tensors()) {
            assertTrue(tensor.maxGradient() > 1e-6, tensor.name() + " has no gradient to check");
            assertTrue(tensor.relativeError() < LIMIT, c + ": " + tensor.name() + " relative error "
                    + tensor.relativeError() + " (max |bp − fd| " + tensor.maxAbsError() + ")");
        }
    }

    /**
     * A worked example, end to end (docs/MATH.md §13): an output X³₁ = 0.69 with target 0.5, fed by
     * X²₁ = 0.68, gives ∂E/∂w³₁₁ = (0.69 − 0.5)·0.69·(1 − 0.69)·0.68 ≈ 0.02763.
     */
    @Test
    void outputWeightGradientWorkedExample() {
        Architecture arch = Architecture.of("1-1", Loss.HALF_SUM_OF_SQUARES, Activation.SIGMOID);
        float w = 0.5f;
        double logit = Math.log(0.69 / 0.31);
        float b = (float) (logit - w * 0.68);
        Network network = Network.of(arch, new float[][] {{w}}, new float[][] {{b}});
        GradientCheck.Report report = GradientCheck.check(new ScalarBackend(), network, new float[] {0.68f},
                new float[] {0.5f}, 1, Reduction.SUM, 0, 1, 1);
        assertEquals(0.02763, report.tensors().get(0).backprop()[0], 1e-5);
        assertEquals(0.02763, report.tensors().get(0).finiteDifference()[0], 1e-5);
    }

    /** Sampling: with a limit below a tensor's size, only that many entries are checked. */
    @Test
    void samplesLargeTensors() {
        Architecture arch = Architecture.of("20-30-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                Activation.SOFTMAX);
        Dataset data = ConformanceChecks.randomData(arch, 4, 3);
        float[] x = new float[4 * 20];
        float[] t = new float[4 * 3];
        data.gather(new int[] {0, 1, 2, 3}, 0, 4, x, t);
        GradientCheck.Report report = GradientCheck.check(new ScalarBackend(), Network.initialize(arch, 1), x, t, 4,
                Reduction.MEAN, 0, 10, 1);
        assertEquals(10, report.tensors().get(0).checked());
        assertEquals(3, report.tensors().get(3).checked());
        assertTrue(report.worstRelativeError() < LIMIT);
    }
}
