// The fast GEMM against the naive one on ragged shapes, every transpose case, two thread
// counts and every vector width (128, 256, 512 bits; emulated where wider than the CPU's).
package org.deltaprop.backend.simd;

import org.deltaprop.conformance.Tolerance;
import org.opentest4j.AssertionFailedError;

import java.util.Arrays;
import java.util.SplittableRandom;

class PackedGemmTest {

    /**
     * Every small m, n (around the 4-row and 2-vector tile edges) and k: for k ≤ KC_MAX both
     * compute each element as one FMA chain and the same combine, so they agree bit for bit.
     */
    @EveryWidth
    void agreesBitForBitWithTheNaiveGemmWhenKFitsOneBlock(int bits) {
        int[] ms = {1, 2, 3, 4, 5, 7, 9, 11, 12, 13, 16, 17, 25, 33};
        int[] ns = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 65};
        int[] ks = {1, 2, 8, 13, PackedGemm.KC_NARROW};
        try (WorkerPool one = new WorkerPool(1); WorkerPool three = new WorkerPool(3)) {
            Gemm[] fast = {Specializer.create(PackedGemm.class, Gemm.class, bits, one, PackedGemm.MR_NARROW),
                    Specializer.create(PackedGemm.class, Gemm.class, bits, three, PackedGemm.MR_NARROW),
                    Specializer.create(PackedGemm.class, Gemm.class, bits, one, PackedGemm.MR_WIDE),
                    Specializer.create(PackedGemm.class, Gemm.class, bits, three, PackedGemm.MR_WIDE)};
            long seed = 0;
            for (int m : ms) {
                for (int n : ns) {
                    for (int k : ks) {
                        for (int t = 0; t < 4; t++) {
                            seed++;
                            compare(fast[(int) (seed % 4)], t >= 2, t % 2 == 1, m, n, k, seed, true);
                        }
                    }
                }
            }
        }
    }

    /** Shapes that cross the row block (MC), the column block (NC) and several k-blocks, in parallel. */
    @EveryWidth
    void agreesWithTheNaiveGemmAcrossBlocks(int bits) {
        int[][] shapes = {{300, 41, 257}, {3, PackedGemm.NC + 19, 9}, {131, 67, 600}, {1024, 70, 100},
                {601, 3, 2 * PackedGemm.KC_MAX + 1}, {1, 300, PackedGemm.KC_MAX + 1}, {100, 1024, 64}};
        try (WorkerPool pool = new WorkerPool(2)) {
          for (int mr : new int[] {PackedGemm.MR_NARROW, PackedGemm.MR_WIDE}) {
            Gemm fast = Specializer.create(PackedGemm.class, Gemm.class, bits, pool, mr);
            long seed = 1000;
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    seed++;
                    compare(fast, t >= 2, t % 2 == 1, s[0], s[1], s[2], seed, s[2] <= PackedGemm.KC_NARROW);
                }
            }
          }
        }
    }

    private static void compare(Gemm fast, boolean transA, boolean transB, int m, int n, int k, long seed,
                                boolean bitwise) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = random(random, m * k);
        float[] b = random(random, k * n);
        float alpha = seed % 3 == 0 ? -0.75f : 1f;
        float beta = seed % 2 == 0 ? 0f : 0.5f;
        // β = 0 must ignore C, so start it as NaN there.
        float[] c0 = beta == 0 ? filled(m * n, Float.NaN) : random(random, m * n);
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        new NaiveGemm().gemm(transA, transB, m, n, k, alpha, a, b, beta, expected);
        fast.gemm(transA, transB, m, n, k, alpha, a, b, beta, actual);
        String name = String.format("gemm(transA=%b, transB=%b, α=%s, β=%s) m=%d n=%d k=%d", transA, transB,
                alpha, beta, m, n, k);
        if (bitwise) {
            for (int i = 0; i < expected.length; i++) {
                if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                    throw new AssertionFailedError(name + ": C(" + i / n + ", " + i % n + ") is " + actual[i]
                            + ", the naive GEMM gives " + expected[i]);
                }
            }
        } else {
            Tolerance.assertMatches(name + ": C", n, actual, expected);
        }
    }

    private static float[] random(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    private static float[] filled(int size, float value) {
        float[] v = new float[size];
        Arrays.fill(v, value);
        return v;
    }
}
