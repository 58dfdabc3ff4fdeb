// Backend.dropout on every backend that runs here, held to DropoutMask's definition directly (the
// conformance suite compares the fast backends with the reference; this also checks the reference).
package org.deltaprop.backend;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DropoutTest {

    private final Map<String, Backend> open = new HashMap<>();

    static List<String> backends() {
        return Backends.names();
    }

    private Backend backend(String name) {
        return open.computeIfAbsent(name, TestBackends::open);
    }

    @AfterAll
    void close() {
        open.values().forEach(Backend::close);
    }

    /** Kept elements are x·scale (one float multiply), dropped ones +0, element by element. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void keptElementsAreScaledAndDroppedOnesZero(String name) {
        Backend backend = backend(name);
        int rows = 61, cols = 129;
        float[] x = uniform(5, rows * cols);
        for (float rate : new float[] {0f, 0.25f, 0.5f, 0.8f}) {
            for (long seed : new long[] {3L, 0x8000_0001_0000_0000L}) {
                float[] y = run(backend, seed, rate, x, rows, cols);
                int key = DropoutMask.key(seed), threshold = DropoutMask.threshold(rate);
                float scale = DropoutMask.scale(rate);
                for (int i = 0; i < x.length; i++) {
                    float expected = DropoutMask.kept(key, i, threshold) ? x[i] * scale : 0f;
                    if (Float.floatToIntBits(y[i]) != Float.floatToIntBits(expected)) {
                        fail(name + ", seed " + seed + ", rate " + rate + ": element (" + i / cols + ", " + i % cols
                                + ") is " + y[i] + ", expected " + expected + " (x = " + x[i] + ", "
                                + (DropoutMask.kept(key, i, threshold) ? "kept" : "dropped") + ")");
                    }
                }
                if (rate == 0f) {
                    assertTrue(Arrays.equals(x, y), name + ": rate 0 must copy X unchanged");
                }
            }
        }
    }

    /**
     * E[y] = x: a 1000 × 1000 matrix of ones comes out with mean 1 within 5σ, where σ² = rate / (1 − rate) / n
     * is the variance of the mean of n independent scaled Bernoulli values.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theExpectedValueIsPreserved(String name) {
        Backend backend = backend(name);
        int rows = 1000, cols = 1000, n = rows * cols;
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        for (float rate : new float[] {0.1f, 0.5f, 0.9f}) {
            float[] y = run(backend, 11L, rate, ones, rows, cols);
            double sum = 0;
            for (float v : y) {
                sum += v;
            }
            double sigma = Math.sqrt(rate / (1.0 - rate) / n);
            assertEquals(1.0, sum / n, 5 * sigma, name + ", rate " + rate + ": mean of y");
        }
    }

    /**
     * The backward pass is the same call on δ with the same seed: it drops exactly the elements the
     * forward pass dropped. Here in place, over a topRows view, whose rows below must stay as they were.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theSameSeedDropsTheSameElementsInPlaceOnAView(String name) {
        Backend backend = backend(name);
        int rows = 37, cols = 45, tall = 50;
        float[] x = uniform(9, tall * cols);
        Matrix m = backend.allocate(tall, cols);
        try {
            backend.copyIn(x, 0, m);
            Matrix view = m.topRows(rows);
            backend.dropout(77L, 0.3f, view, view);
            backend.dropout(77L, 0.3f, view, view);
            float[] y = new float[tall * cols];
            backend.copyOut(m, y, 0);
            float scale = DropoutMask.scale(0.3f);
            int key = DropoutMask.key(77L), threshold = DropoutMask.threshold(0.3f);
            for (int i = 0; i < y.length; i++) {
                float expected = i >= rows * cols ? x[i]
                        : DropoutMask.kept(key, i, threshold) ? x[i] * scale * scale : 0f;
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]),
                        name + ": element (" + i / cols + ", " + i % cols + ")");
            }
        } finally {
            backend.release(m);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void badRatesAndShapesAreRefusedNamingTheTensors(String name) {
        Backend backend = backend(name);
        Matrix a = backend.allocate(3, 4);
        Matrix b = backend.allocate(4, 3);
        try {
            for (float rate : new float[] {1f, -0.5f, Float.NaN}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> backend.dropout(1L, rate, a, a));
                assertTrue(e.getMessage().contains("dropout rate " + rate), e.getMessage());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.dropout(1L, 0.5f, a, b));
            assertTrue(e.getMessage().contains("dropout X is 3×4 but dropout Y is 4×3"), e.getMessage());
            try (Backend other = new org.deltaprop.backend.scalar.ScalarBackend()) {
                Matrix foreign = other.allocate(3, 4);
                e = assertThrows(IllegalArgumentException.class, () -> backend.dropout(1L, 0.5f, a, foreign));
                assertTrue(e.getMessage().contains("dropout Y"), e.getMessage());
            }
        } finally {
            backend.release(a);
            backend.release(b);
        }
    }

    private static float[] run(Backend backend, long seed, float rate, float[] x, int rows, int cols) {
        Matrix xm = backend.allocate(rows, cols);
        Matrix ym = backend.allocate(rows, cols);
        try {
            backend.copyIn(x, 0, xm);
            backend.dropout(seed, rate, xm, ym);
            float[] y = new float[rows * cols];
            backend.copyOut(ym, y, 0);
            return y;
        } finally {
            backend.release(xm);
            backend.release(ym);
        }
    }

    private static float[] uniform(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 8 - 4);
        }
        return v;
    }
}
