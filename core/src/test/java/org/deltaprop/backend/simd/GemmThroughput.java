// A quick GEMM throughput probe for development (not a test, not the JMH benchmark): times
// PackedGemm on the shapes given and prints the median GFLOP/s.
package org.deltaprop.backend.simd;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Usage (after {@code mvn test-compile}):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.deltaprop.backend.simd.GemmThroughput threads bits shape...
 * </pre>
 * A shape is {@code op-m-n-k} as in the JMH benchmark, e.g. {@code nt-128-256-784} (op(A) is
 * m × k, op(B) is k × n). {@code -Ddeltaprop.gemm.mr=4|12} forces the micro-tile's rows. Each
 * shape is warmed up for a second, then timed in 15 repetitions of about 0.1 s; the median and
 * the best are reported, because other work on a shared machine adds noise.
 */
public final class GemmThroughput {

    private GemmThroughput() {
    }

    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        int bits = Integer.parseInt(args[1]);
        int mr = Integer.getInteger("deltaprop.gemm.mr", SimdBackend.gemmTileRows());
        try (WorkerPool pool = new WorkerPool(threads)) {
            Gemm gemm = Specializer.create(PackedGemm.class, Gemm.class, bits, pool, mr);
            for (String shape : Arrays.copyOfRange(args, 2, args.length)) {
                String[] p = shape.split("-");
                double[] gflops = measure(gemm, p[0].charAt(0) == 't', p[0].charAt(1) == 't', Integer.parseInt(p[1]),
                        Integer.parseInt(p[2]), Integer.parseInt(p[3]));
                System.out.printf(Locale.ROOT, "%s,%d,%d,%d,%.1f,%.1f%n", shape, threads, bits, mr, gflops[0],
                        gflops[1]);
            }
        }
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
