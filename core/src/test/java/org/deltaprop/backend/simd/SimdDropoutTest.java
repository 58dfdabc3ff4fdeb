// The simd backend's dropout gives DropoutMask's bits at every vector width and on any thread
// count: the mask is hashed from the element index in int lanes, whatever part a thread gets.
package org.deltaprop.backend.simd;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.Matrix;
import org.deltaprop.conformance.ConformanceChecks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

import java.util.stream.IntStream;

class SimdDropoutTest {

    static IntStream widths() {
        return SimdWidths.all();
    }

    /**
     * A 601 × 301 matrix is far over the threshold for splitting, and its size is a multiple of no
     * vector width, so parts end on vector boundaries but the last one has a tail; a view of its
     * first 333 rows moves where that tail falls. Each result is compared with the definition,
     * element by element, so that a mask depending on the split or the width shows.
     */
    @ParameterizedTest(name = "{0}-bit")
    @MethodSource("widths")
    void theMaskIsTheDefinitionsOnAnyThreadCount(int bits) {
        int rows = 601, cols = 301;
        float[] x = ConformanceChecks.uniform(17, rows * cols, -2, 2);
        for (int threads : new int[] {1, 2, 3, 4, 16}) {
            try (Backend backend = SimdWidths.backend(bits, threads)) {
                Matrix xm = backend.allocate(rows, cols);
                Matrix ym = backend.allocate(rows, cols);
                backend.copyIn(x, 0, xm);
                for (long seed : new long[] {5L, 0xCAFEBABE00000001L}) {
                    for (float rate : new float[] {0.2f, 0.5f}) {
                        for (int viewRows : new int[] {rows, 333}) {
                            backend.dropout(seed, rate, xm.topRows(viewRows), ym.topRows(viewRows));
                            float[] y = new float[viewRows * cols];
                            backend.copyOut(ym.topRows(viewRows), y, 0);
                            assertIsTheDefinition(bits + "-bit, " + threads + " threads, seed " + seed + ", rate " + rate
                                    + ", " + viewRows + "×" + cols, seed, rate, x, y);
                        }
                    }
                }
            }
        }
    }

    private static void assertIsTheDefinition(String where, long seed, float rate, float[] x, float[] y) {
        int key = DropoutMask.key(seed), threshold = DropoutMask.threshold(rate);
        float scale = DropoutMask.scale(rate);
        for (int i = 0; i < y.length; i++) {
            float expected = DropoutMask.apply(x[i], key, i, threshold, scale);
            if (Float.floatToIntBits(y[i]) != Float.floatToIntBits(expected)) {
                throw new AssertionFailedError(where + ": element " + i + " is " + y[i] + ", the definition gives "
                        + expected);
            }
        }
    }
}
