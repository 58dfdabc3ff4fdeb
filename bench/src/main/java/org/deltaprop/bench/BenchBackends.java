package org.deltaprop.bench;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.Matrix;

import java.util.SplittableRandom;

/** What the benchmarks share: opening a backend with a thread count, and filling matrices. */
final class BenchBackends {

    private BenchBackends() {
    }

    /**
     * The named backend with {@code threads} CPU threads (the deltaprop.threads property is
     * read when a backend is created; each JMH fork is its own JVM, so setting it here is safe).
     */
    static Backend open(String name, int threads) {
        System.setProperty("deltaprop.threads", Integer.toString(threads));
        return Backends.select(name).backend();
    }

    /** A rows × cols matrix on the backend, uniform in [−1, 1) from the seed. */
    static Matrix random(Backend backend, int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        Matrix m = backend.allocate(rows, cols);
        backend.copyIn(values, 0, m);
        return m;
    }
}
