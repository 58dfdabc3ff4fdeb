package org.deltaprop.train.optimizer;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * AdamW against PyTorch's definition ({@code torch.optim.AdamW}, docs/MATH.md §7): the parameter
 * decays by η·λ·p first, then Adam's update runs on the unchanged gradient.
 */
class AdamWTest {

    private static final float[][] GRADIENTS = {
            {0.1f, -0.2f, 0.3f, 0.05f}, {-0.4f, 0.1f, 0f, 0.2f}, {0.25f, 0.25f, -0.5f, -0.1f}};

    /**
     * The parameters after each of three steps from p = (0.5, −1.25, 2, 0), with η = 0.01,
     * β = (0.9, 0.999), ε = 1e-8, λ = 0.1, computed in double precision by a separate
     * implementation of torch.optim.AdamW's documented algorithm.
     */
    private static final double[][] TORCH = {
            {0.4895000009999999, -1.2387500005, 1.9880000003333334, -0.009999998000000399},
            {0.4946055357475128, -1.2348478802713676, 1.9793114181075822, -0.018833762301216916},
            {0.4944952819296323, -1.2370045305196964, 1.9801484314810383, -0.02217592233717287}};

    private static float[][] run(Optimizer optimizer) {
        try (Backend backend = new ScalarBackend()) {
            Matrix p = backend.allocate(1, 4);
            Matrix g = backend.allocate(1, 4);
            Matrix m = backend.allocate(1, 4);
            Matrix v = backend.allocate(1, 4);
            backend.copyIn(new float[] {0.5f, -1.25f, 2f, 0f}, 0, p);
            float[][] after = new float[GRADIENTS.length][4];
            for (int t = 1; t <= GRADIENTS.length; t++) {
                backend.copyIn(GRADIENTS[t - 1], 0, g);
                optimizer.update(backend, (float) optimizer.learningRate(), t, g, List.of(m, v), p);
                backend.copyOut(p, after[t - 1], 0);
            }
            return after;
        }
    }

    @Test
    void matchesPyTorchsAdamWStepByStep() {
        float[][] ours = run(new AdamW(0.01, 0.9, 0.999, 1e-8, 0.1));
        for (int t = 0; t < TORCH.length; t++) {
            for (int i = 0; i < 4; i++) {
                // float32 arithmetic against double: a few ulps of values near 1 (the decay-after-Adam
                // order would be off by η²λ·|update| ≈ 1e-5).
                assertEquals(TORCH[t][i], ours[t][i], 1e-6, "step " + (t + 1) + ", p[" + i + "]");
            }
        }
    }

    @Test
    void withoutDecayItIsAdam() {
        float[][] adamW = run(new AdamW(0.01, 0.9, 0.999, 1e-8, 0));
        float[][] adam = run(new Adam(0.01, 0.9, 0.999, 1e-8));
        for (int t = 0; t < adam.length; t++) {
            assertArrayEquals(adam[t], adamW[t], "step " + (t + 1));
        }
    }

    @Test
    void refusesNegativeOrNonFiniteDecay() {
        assertThrows(IllegalArgumentException.class, () -> new AdamW(0.01, 0.9, 0.999, 1e-8, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(0.01, 0.9, 0.999, 1e-8, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(0.01, 1.0, 0.999, 1e-8, 0.1));
    }
}
