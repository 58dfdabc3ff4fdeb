// A quick GEMM throughput probe for development (not a test, not the JMH benchmark):
// times PackedGemm on the shapes docs/SIMD.md reports and prints the median GFLOP/s.
package org.deltaprop.backend.simd;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Usage (after {@code mvn test-compile}):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.deltaprop.backend.simd.GemmThroughput [threads] [bits] [nn,nt,tn,tt | training]
 * </pre>
 * The transposes run on 1024³ and the three MLP shapes of issue 3 (m = B = 128); {@code training}
 * runs instead the three products of the first layer of a 784-256 layer at B = 128, each with
 * the transposes the training loop uses.
 * Each shape is warmed up for a second, then timed in 15 repetitions of about 0.1 s; the
 * median and the best are reported, because other work on a shared machine adds noise.
 */
public final class GemmThroughput {

    private static final int[][] SHAPES = {
            {1024, 1024, 1024},     // m, n, k
            {128, 256, 784},        // B×784 · 784×256 at B = 128
            {128, 128, 256},        // B×256 · 256×128
            {128, 10, 128},         // B×128 · 128×10
    };

    /** The first layer's products in one training step: forward X·Wᵀ, back δ·W, gradient δᵀ·X. */
    private static final Object[][] TRAINING = {
            {"nt", new int[] {128, 256, 784}},
            {"nn", new int[] {128, 784, 256}},
            {"tn", new int[] {256, 784, 128}},
    };

    private GemmThroughput() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : Specializer.preferredBits();
        String cases = args.length > 2 ? args[2] : "nn,nt,tn";
        try (WorkerPool pool = new WorkerPool(threads)) {
            Gemm gemm = Specializer.create(PackedGemm.class, Gemm.class, bits, pool);
            if (cases.equals("training")) {
                for (Object[] product : TRAINING) {
                    report(gemm, threads, bits, (String) product[0], (int[]) product[1]);
                }
                return;
            }
            for (int[] shape : SHAPES) {
                for (String t : cases.split(",")) {
                    report(gemm, threads, bits, t, shape);
                }
            }
        }
    }

    private static void report(Gemm gemm, int threads, int bits, String transposes, int[] shape) {
        double[] gflops = measure(gemm, transposes.charAt(0) == 't', transposes.charAt(1) == 't', shape[0], shape[1],
                shape[2]);
        System.out.printf(Locale.ROOT, "%d threads, %d-bit, %s  m=%d n=%d k=%d: median %.1f GFLOP/s, best %.1f%n",
                threads, bits, transposes, shape[0], shape[1], shape[2], gflops[0], gflops[1]);
    }

    /** {median, best} GFLOP/s over 15 repetitions of about 0.1 s each, after 1 s of warm-up. */
    static double[] measure(Gemm gemm, boolean transA, boolean transB, int m, int n, int k) {
        SplittableRandom random = new SplittableRandom(42);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        long start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - start < 1_000_000_000L) {   // warm-up: let C2 compile everything
            gemm.gemm(transA, transB, m, n, k, 1f, a, b, 0f, c);
            calls++;
        }
        int perRep = Math.max(1, calls / 10);
        double[] rates = new double[15];
        for (int rep = 0; rep < rates.length; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < perRep; i++) {
                gemm.gemm(transA, transB, m, n, k, 1f, a, b, 0f, c);
            }
            rates[rep] = 2.0 * m * n * k * perRep / (System.nanoTime() - t0);
        }
        Arrays.sort(rates);
        return new double[] {rates[rates.length / 2], rates[rates.length - 1]};
    }
}
