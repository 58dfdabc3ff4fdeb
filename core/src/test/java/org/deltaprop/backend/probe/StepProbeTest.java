package org.deltaprop.backend.probe;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.train.Training;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a step time counts as settled, and that a probe leaves the run it precedes as it was. */
class StepProbeTest {

    private static final StepProbe.Limits LIMITS = new StepProbe.Limits(25, 4, 0.15, 0.10, 2000);

    @Test
    void steadyStepsWithTheJitIdleHaveSettled() {
        assertTrue(StepProbe.settled(blocks(0, 2.0, 2.1, 1.9, 2.05), LIMITS, 1e6));
        assertTrue(StepProbe.settled(blocks(0, 90, 40, 2.0, 2.1, 1.9, 2.05), LIMITS, 1e6), "only the last blocks count");
    }

    @Test
    void stepsThatStillVaryOrTooFewBlocksHaveNot() {
        assertFalse(StepProbe.settled(blocks(0, 2.0, 2.1, 1.9), LIMITS, 1e6), "three blocks of four");
        assertFalse(StepProbe.settled(blocks(0, 3.0, 2.5, 2.2, 2.0), LIMITS, 1e6), "still falling: 3.0 against 2.0");
        assertFalse(StepProbe.settled(blocks(0, 2.0, 2.1, 2.0, 2.4), LIMITS, 1e6), "20% apart");
    }

    @Test
    void steadyStepsWhileTheJitCompilesHaveNot() {
        // A plateau of boxed Vector API steps while C2 is still at work: 10% of 100 ms is the most it may compile.
        assertFalse(StepProbe.settled(blocks(3, 25, 25, 25, 25), LIMITS, 1e6));
        assertTrue(StepProbe.settled(blocks(2.5, 25, 25, 25, 25), LIMITS, 1e6));
    }

    @Test
    void steadyStepsThatAllocateLikeBoxedVectorsHaveNot() {
        // 10⁶ multiply-adds a step may allocate 64 KiB + 250,000 bytes; boxed vectors take ~5 bytes each.
        double limit = StepProbe.SETTLED_BYTES + StepProbe.SETTLED_BYTES_PER_MULTIPLY_ADD * 1e6;
        assertFalse(StepProbe.settled(allocating((long) (5 * 1e6), 25, 25, 25, 25), LIMITS, 1e6));
        assertFalse(StepProbe.settled(allocating((long) limit + 1, 25, 25, 25, 25), LIMITS, 1e6));
        assertTrue(StepProbe.settled(allocating((long) limit, 25, 25, 25, 25), LIMITS, 1e6));
        assertTrue(StepProbe.settled(allocating(-1, 25, 25, 25, 25), LIMITS, 1e6), "a JVM that does not count");
    }

    /** Blocks of one step each at the given ms/step, the JIT compiling {@code jit} ms during each, allocating nothing. */
    private static List<StepProbe.Block> blocks(double jit, double... stepMillis) {
        List<StepProbe.Block> blocks = new ArrayList<>();
        for (double m : stepMillis) {
            blocks.add(new StepProbe.Block(1, m, jit, 0));
        }
        return blocks;
    }

    /** Blocks of one step each at the given ms/step, the JIT idle, each step allocating {@code bytes}. */
    private static List<StepProbe.Block> allocating(long bytes, double... stepMillis) {
        List<StepProbe.Block> blocks = new ArrayList<>();
        for (double m : stepMillis) {
            blocks.add(new StepProbe.Block(1, m, 0, bytes));
        }
        return blocks;
    }

    @Test
    void aProbeTakesNoMoreStepsThanTheJobAndLeavesTheBackendOpen() {
        Architecture architecture = Architecture.of("6-5-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                Activation.SOFTMAX);
        StepProbe.Probed probed = StepProbe.measure("scalar", () -> TestBackends.open("scalar"),
                new Workload(architecture, 7, Optimizer.momentum(0.1, 0.9), 5), LIMITS);
        try (Backend backend = probed.backend()) {
            Timing timing = probed.timing();
            assertEquals("scalar", timing.backend());
            assertEquals(probed.steps(), timing.stepsTimed());
            assertTrue(timing.stepsTimed() >= 1 && timing.stepsTimed() <= 5, "at most the job's 5 steps: " + timing);
            assertTrue(timing.startMillis() >= probed.setupMillis(), timing + " " + probed);
            StepProbe.Probed more = StepProbe.resume(probed, new Workload(architecture, 7, Optimizer.momentum(0.1, 0.9),
                    1_000_000), LIMITS);
            assertTrue(more.steps() > probed.steps(), "both probes' steps: " + more);
            assertEquals(probed.setupMillis(), more.setupMillis(), "started once");
            assertTrue(more.stepsMillis() > probed.stepsMillis());
            backend.allocate(2, 2);                         // still open
        }
    }

    /** Probing first on the very backend that then trains changes nothing, not even a bit, of the result. */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "opencl"})
    void aProbeLeavesTheTrainingItPrecedesBitForBitAsItWas(String name) throws Exception {
        float[] unprobed;
        try (Backend backend = TestBackends.open(name)) {
            unprobed = weights(train(backend));
        }
        Workload workload = new Workload(Architecture.of("5-9-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                Activation.SOFTMAX), 16, Optimizer.adam(0.01), 30);
        StepProbe.Probed probed = StepProbe.measure(name, () -> TestBackends.open(name), workload, LIMITS);
        try (Backend backend = probed.backend()) {
            assertArrayEquals(unprobed, weights(train(backend)));
        }
    }

    private static Model train(Backend backend) throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        int rows = 200;
        float[] x = new float[rows * 5];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 5; j++) {
                x[r * 5 + j] = (float) random.nextGaussian();
            }
            labels[r] = (x[r * 5] + x[r * 5 + 1] > 0 ? 1 : 0) + (x[r * 5 + 2] > 1 ? 1 : 0);
        }
        return Training.on(ArrayDataset.classification(x, 5, labels, 3)).hidden(9).activation(Activation.TANH).optimizer(Optimizer.adam(0.01)).batch(16).epochs(3).seed(5)
                .validationFraction(0).run(backend).model();
    }

    private static float[] weights(Model model) {
        var network = model.network();
        List<Float> all = new ArrayList<>();
        for (int h = 1; h <= network.architecture().depth(); h++) {
            for (float w : network.weights(h)) {
                all.add(w);
            }
            for (float b : network.bias(h)) {
                all.add(b);
            }
        }
        float[] result = new float[all.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = all.get(i);
        }
        return result;
    }
}
