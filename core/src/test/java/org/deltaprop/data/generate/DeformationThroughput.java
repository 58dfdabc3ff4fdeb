// A throughput probe for development (not a test): times the generator on Fashion-MNIST.
package org.deltaprop.data.generate;

import java.util.Locale;

/**
 * Usage (after {@code mvn test-compile}):
 * <pre>
 * java -cp target/classes:target/test-classes org.deltaprop.data.generate.DeformationThroughput threads rows
 * </pre>
 * Makes {@code rows} deformed rows (no originals) on {@code threads} threads, five times, and
 * prints the microseconds per row of each pass; the first passes include the JIT's compiling.
 */
public final class DeformationThroughput {

    private DeformationThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long rows = Long.parseLong(args[1]);
        long start = System.nanoTime();
        SourceImages source = SourceImages.fashionMnist();
        long loaded = System.nanoTime();
        Generator generator = new Generator(new Deformation(1), source, false);
        System.out.printf(Locale.ROOT, "load %.2f s, bank %.3f s%n", (loaded - start) / 1e9,
                (System.nanoTime() - loaded) / 1e9);
        long[] sum = new long[1];
        for (int pass = 0; pass < 5; pass++) {
            long t0 = System.nanoTime();
            generator.write(rows, threads, (pixels, label) -> sum[0] += pixels[400] + label, done -> { });
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "threads %d: %d rows in %.3f s, %.2f µs per row%n", threads, rows, seconds,
                    seconds * 1e6 / rows);
        }
        System.out.println("checksum " + sum[0]);
    }
}
