// The dropout mask's definition held to numbers computed apart from it, and to its statistics.
package org.deltaprop.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutMaskTest {

    /**
     * Keys and hashes pinned from an independent implementation of the same steps (Python integers
     * masked with & 0xffffffff, shifts on the unsigned value), so that a slip in a constant or a
     * shift of the Java code cannot also move the expected value.
     */
    @Test
    void bitsMatchAnIndependentImplementation() {
        assertEquals(0, DropoutMask.key(0L));
        assertEquals(42, DropoutMask.key(42L));
        assertEquals(0xcc99e897, DropoutMask.key(0xDEADBEEF12345678L));
        assertEquals(0, DropoutMask.key(-1L), "both halves all ones cancel");
        assertEquals(0x100, DropoutMask.key(1L << 40), "the high half counts");

        // {seed, index, h}
        long[][] pinned = {
                {0L, 0, 0x00000000},
                {0L, 1, 0x01fce552},
                {42L, 0, 0x172733c2},
                {42L, 7, 0xfa2ef6b9},
                {0xDEADBEEF12345678L, 0, 0xb31b3881},
                {0xDEADBEEF12345678L, 123456789, 0xcdb92be9},
                {-1L, 1000, 0xfba67a6e},
                {1L << 40, Integer.MAX_VALUE, 0x92909b22},
        };
        for (long[] p : pinned) {
            int h = DropoutMask.bits(DropoutMask.key(p[0]), (int) p[1]);
            assertEquals((int) p[2], h, String.format("seed %#x, index %d: got %#010x", p[0], p[1], h));
        }
    }

    @Test
    void keptComparesTheTop24BitsUnsigned() {
        int key = DropoutMask.key(0xDEADBEEF12345678L);
        // h = 0xb31b3881: its top 24 bits are 11737912, above 2²³, so a signed comparison of h would go wrong.
        assertTrue(DropoutMask.kept(key, 0, 11737912));
        assertTrue(!DropoutMask.kept(key, 0, 11737913));
        // h = 0x172733c2 for seed 42, index 0: top 24 bits 1517363.
        assertTrue(DropoutMask.kept(42, 0, 1517363));
        assertTrue(!DropoutMask.kept(42, 0, 1517364));
    }

    @Test
    void thresholdIsTheRateIn24BitFixedPoint() {
        assertEquals(0, DropoutMask.threshold(0f));
        assertEquals(0, DropoutMask.threshold(-0f));
        assertEquals(1 << 23, DropoutMask.threshold(0.5f));
        assertEquals(3355443, DropoutMask.threshold(0.2f));          // 0.2f·2²⁴ = 3355443.25
        assertEquals(15099494, DropoutMask.threshold(0.9f));         // 0.9f·2²⁴ = 15099494 exactly
        assertEquals((1 << 24) - 1, DropoutMask.threshold(Math.nextDown(1f)), "a rate below 1 keeps something");
    }

    @Test
    void scaleIsOneFloatDivision() {
        assertEquals(1f, DropoutMask.scale(0f));
        assertEquals(2f, DropoutMask.scale(0.5f));
        assertEquals(4f, DropoutMask.scale(0.75f));
        for (float rate : new float[] {0.1f, 0.2f, 0.3f, 0.9f, 0.99f}) {
            assertEquals(Float.floatToIntBits(1f / (1f - rate)), Float.floatToIntBits(DropoutMask.scale(rate)),
                    "rate " + rate);
        }
        assertEquals(0f, DropoutMask.apply(5f, 0, 0, DropoutMask.threshold(0.5f), 2f), "key 0, index 0 hashes to 0");
        assertEquals(10f, DropoutMask.apply(5f, 42, 7, DropoutMask.threshold(0.5f), 2f), "h>>>8 = 16396022 ≥ 2²³");
    }

    @Test
    void rateZeroKeepsEveryElementUnchanged() {
        for (long seed : new long[] {0L, 42L, 0xDEADBEEF12345678L}) {
            int key = DropoutMask.key(seed);
            for (int i = 0; i < 1_000_000; i++) {
                assertTrue(DropoutMask.kept(key, i, 0));
            }
        }
        float scale = DropoutMask.scale(0f);
        for (float x : new float[] {-0f, Float.MIN_VALUE, 1.2345678f, -3e38f, Float.NaN}) {
            assertEquals(Float.floatToIntBits(x), Float.floatToIntBits(DropoutMask.apply(x, 42, 3, 0, scale)));
        }
    }

    /**
     * Over 10⁶ elements the kept count is binomial with p = 1 − threshold/2²⁴: within 5σ of its mean
     * (a false alarm about once in 3·10⁶ runs, and the seeds are fixed). Masks of consecutive seeds
     * overlap as independent ones do: both keep an element with probability p².
     */
    @ParameterizedTest
    @ValueSource(floats = {0.1f, 0.2f, 0.5f, 0.9f, 0.99f})
    void theKeptFractionIsOneMinusTheRate(float rate) {
        int n = 1_000_000;
        int threshold = DropoutMask.threshold(rate);
        double p = 1 - threshold / (double) (1 << 24);
        assertEquals(1 - rate, p, 1e-7);
        for (long seed : new long[] {1L, 2L, 0xDEADBEEF12345678L}) {
            int key = DropoutMask.key(seed), next = DropoutMask.key(seed + 1);
            int kept = 0, both = 0;
            for (int i = 0; i < n; i++) {
                boolean k = DropoutMask.kept(key, i, threshold);
                kept += k ? 1 : 0;
                both += k && DropoutMask.kept(next, i, threshold) ? 1 : 0;
            }
            double sigma = Math.sqrt(n * p * (1 - p));
            assertEquals(n * p, kept, 5 * sigma, "seed " + seed + ", rate " + rate + ": kept " + kept + " of " + n);
            double q = p * p;
            assertEquals(n * q, both, 5 * Math.sqrt(n * q * (1 - q)),
                    "seeds " + seed + " and " + (seed + 1) + " keep the same elements " + both + " times");
        }
    }

    /** Runs of neighbours are as independent as single elements: 10⁶ adjacent pairs, both kept ≈ p². */
    @Test
    void neighbouringElementsAreIndependent() {
        int n = 1_000_000;
        int threshold = DropoutMask.threshold(0.5f);
        int key = DropoutMask.key(7L);
        int both = 0;
        boolean previous = DropoutMask.kept(key, 0, threshold);
        for (int i = 1; i <= n; i++) {
            boolean k = DropoutMask.kept(key, i, threshold);
            both += k && previous ? 1 : 0;
            previous = k;
        }
        assertEquals(n * 0.25, both, 5 * Math.sqrt(n * 0.25 * 0.75), "adjacent pairs both kept: " + both);
    }

    @Test
    void ratesOutsideZeroToOneAreRefused() {
        for (float rate : new float[] {1f, -0.1f, Float.NaN, 1.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropoutMask.threshold(rate));
            assertTrue(e.getMessage().contains("dropout rate " + rate), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DropoutMask.scale(rate));
            assertThrows(IllegalArgumentException.class, () -> Shapes.dropoutRate(rate));
        }
    }
}
