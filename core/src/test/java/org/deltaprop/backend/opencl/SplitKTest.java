// Split-K of the weight-gradient product: where the shape calls for it (derived from the device's
// compute units and the kernel's blocks, never from this machine's numbers), two launches that give
// the product within the tolerance of the reference, and the same bits every time.
package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.conformance.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitKTest {

    private OpenClBackend cpuTuned;
    private OpenClBackend gpuTuned;
    private final ScalarBackend reference = new ScalarBackend();

    @BeforeAll
    void open() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        cpuTuned = new OpenClBackend(device, GemmTuning.forDevice(device).direct() ? GemmTuning.forDevice(device)
                : GemmTuning.cpu(8), null);
        gpuTuned = new OpenClBackend(device, GemmTuning.gpu(), null);
    }

    @AfterAll
    void close() {
        cpuTuned.close();
        gpuTuned.close();
    }

    /** Long batches (1024, 4096 and ragged lengths) over small layers: most of them split on any device. */
    private static final int[][] SHAPES = {{10, 7, 1024}, {13, 33, 4096}, {1, 7, 1025}, {33, 10, 4097}, {7, 13, 1000},
            {10, 128, 4096}, {5, 3, 511}, {64, 64, 2048}};

    /**
     * Every kernel each tuning can pick, on every shape: the split or the plain product as the rule says,
     * within the tolerance of the reference, bit for bit the same on a second run, and with the launches
     * the rule implies; and split-K taken on some shape by each kernel, so that none goes untested.
     */
    @Test
    void longBatchesSplitWhereTooFewWorkGroupsFillTheDevice() {
        List<String> split = new ArrayList<>();
        for (OpenClBackend backend : new OpenClBackend[] {cpuTuned, gpuTuned}) {
            List<OpenClBackend.GemmKernel> kernels = backend == cpuTuned
                    ? List.of(OpenClBackend.GemmKernel.DIRECT, OpenClBackend.GemmKernel.GENERAL)
                    : List.of(OpenClBackend.GemmKernel.TILED_EDGES, OpenClBackend.GemmKernel.GENERAL);
            for (OpenClBackend.GemmKernel kernel : kernels) {
                for (int[] shape : SHAPES) {
                    int m = shape[0], n = shape[1], k = shape[2];
                    if (kernel == OpenClBackend.GemmKernel.DIRECT && backend.chooseGemm(true, false, m, n, k) != kernel) {
                        continue;   // smaller than one work-item's block: the direct kernel does not take it
                    }
                    int slice = backend.splitSlice(kernel, true, false, m, n, k);
                    if (slice > 0) {
                        split.add(kernel.toString());
                        assertTrue(slice >= OpenClBackend.SPLIT_MIN_K && slice < k, kernel + " slice " + slice);
                    }
                    String name = kernel + " δᵀ·X m=" + m + " n=" + n + " k=" + k + (slice > 0 ? " split by " + slice : "");
                    float[] a = ConformanceChecks.uniform(k * 31L + m, k * m, -1, 1);
                    float[] b = ConformanceChecks.uniform(k * 37L + n, k * n, -1, 1);
                    float[] c = ConformanceChecks.uniform(k * 41L + n, m * n, -1, 1);
                    float[] expected = product(reference, null, a, b, c, m, n, k, 0.5f);
                    long before = backend.kernelLaunches();
                    float[] first = product(backend, kernel, a, b, c, m, n, k, 0.5f);
                    long launches = backend.kernelLaunches() - before;
                    float[] second = product(backend, kernel, a, b, c, m, n, k, 0.5f);
                    Tolerance.assertMatches(name, n, first, expected);
                    assertArrayEquals(first, second, name + ": the same bits every time");
                    if (slice > 0) {
                        assertEquals(2, launches, name + ": the parts, then their sum");
                    }
                }
            }
        }
        for (String kernel : List.of("DIRECT", "GENERAL", "TILED_EDGES")) {
            assertTrue(split.contains(kernel), kernel + " never split; split: " + split);
        }
    }

    /**
     * The rule, derived from the device: a product that makes at least two work-groups per compute unit,
     * a batch under 2·{@value OpenClBackend#SPLIT_MIN_K}, or any other transpose case is never split; one
     * that makes a single work-group with a batch of 2·{@value OpenClBackend#SPLIT_MIN_K} or more is.
     */
    @Test
    void theRuleFollowsTheShapeAndTheDevice() {
        OpenClBackend backend = cpuTuned;
        int units = backend.device().computeUnits();
        OpenClBackend.GemmKernel general = OpenClBackend.GemmKernel.GENERAL;
        int k = 2 * OpenClBackend.SPLIT_MIN_K;
        assertTrue(backend.splitSlice(general, true, false, 1, 1, k) > 0, "one work-group, long batch");
        assertEquals(0, backend.splitSlice(general, true, false, 1, 1, k - 1), "a batch too short");
        assertEquals(0, backend.splitSlice(general, false, false, 1, 1, k), "δ·W is not split");
        assertEquals(0, backend.splitSlice(general, false, true, 1, 1, k), "the forward product is not split");
        // 16 × 16 elements per work-group of the general kernel: 2·units work-groups in a row of C.
        int wide = 2 * units * 16;
        assertEquals(0, backend.splitSlice(general, true, false, 1, wide, 4 * k), "enough work-groups already");
        assertTrue(backend.splitSlice(general, true, false, 1, wide - 16, 4 * k) > 0, "one work-group short");
        assertEquals(2, backend.gemmLaunches(true, false, 1, 1, k));
    }

    /** C ← 1·AᵀB + β·C with A k × m, B k × n, on {@code kernel} (null: the backend's own choice). */
    private static float[] product(org.deltaprop.backend.Backend backend, OpenClBackend.GemmKernel kernel, float[] a,
                                   float[] b, float[] c, int m, int n, int k, float beta) {
        Matrix am = backend.allocate(k, m), bm = backend.allocate(k, n), cm = backend.allocate(m, n);
        try {
            backend.copyIn(a, 0, am);
            backend.copyIn(b, 0, bm);
            backend.copyIn(c, 0, cm);
            if (kernel == null) {
                backend.gemm(true, false, 1f, am, bm, beta, cm);
            } else {
                ((OpenClBackend) backend).gemm(kernel, true, false, 1f, am, bm, beta, cm);
            }
            float[] out = new float[m * n];
            backend.copyOut(cm, out, 0);
            return out;
        } finally {
            backend.release(am);
            backend.release(bm);
            backend.release(cm);
        }
    }
}
