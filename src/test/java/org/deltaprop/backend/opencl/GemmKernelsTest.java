package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.conformance.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every GEMM kernel against the general one and against the scalar reference, for all four
 * transpose cases: the tiled kernel (with the GPU tuning, as a GPU would run it) on shapes that
 * are multiples of its tiles, and with edges on ragged ones; the direct kernel (the CPU tuning)
 * on both; and the host's choice among them by shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GemmKernelsTest {

    private OpenClBackend gpuTuned;
    private OpenClBackend cpuTuned;
    private final ScalarBackend reference = new ScalarBackend();

    @BeforeAll
    void open() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        gpuTuned = new OpenClBackend(device, GemmTuning.gpu(), GemmTuning.gpuLarge());
        cpuTuned = new OpenClBackend(device, GemmTuning.cpu(device.nativeFloatWidth()), null);
    }

    @AfterAll
    void close() {
        if (gpuTuned != null) {
            gpuTuned.close();
            cpuTuned.close();
        }
    }

    /** (m, n, k) multiples of the GPU tiling's 64 × 64 × 16 tiles. */
    private static final List<int[]> TILE_MULTIPLES = List.of(new int[] {64, 64, 16}, new int[] {128, 64, 48},
            new int[] {64, 192, 160});

    /** Ragged shapes: partial tiles on every side, and K tails for the direct kernel's vectors. */
    private static final List<int[]> RAGGED = List.of(new int[] {65, 70, 17}, new int[] {130, 63, 100},
            new int[] {100, 129, 257}, new int[] {7, 33, 13});

    @Test
    void tiledKernelMatchesTheGeneralOneOnTileMultiples() {
        for (int[] shape : TILE_MULTIPLES) {
            assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(false, true, shape[0], shape[1], shape[2]));
            compare(gpuTuned, OpenClBackend.GemmKernel.TILED, shape);
        }
    }

    @Test
    void largeTiledKernelMatchesTheGeneralOneOnItsTileMultiples() {
        for (int[] shape : List.of(new int[] {128, 128, 32}, new int[] {256, 128, 96})) {
            compare(gpuTuned, OpenClBackend.GemmKernel.TILED_LARGE, shape);
        }
    }

    @Test
    void tiledKernelWithEdgesMatchesTheGeneralOneOnRaggedShapes() {
        for (int[] shape : RAGGED) {
            compare(gpuTuned, OpenClBackend.GemmKernel.TILED_EDGES, shape);
        }
        for (int[] shape : TILE_MULTIPLES) {
            compare(gpuTuned, OpenClBackend.GemmKernel.TILED_EDGES, shape);
        }
    }

    @Test
    void directKernelMatchesTheGeneralOneOnAllShapes() {
        for (int[] shape : RAGGED) {
            compare(cpuTuned, OpenClBackend.GemmKernel.DIRECT, shape);
        }
        for (int[] shape : TILE_MULTIPLES) {
            compare(cpuTuned, OpenClBackend.GemmKernel.DIRECT, shape);
        }
    }

    @Test
    void theHostChoosesByShape() {
        // GPU tuning: tiles where they fit exactly, tiles with edges where padding at most doubles
        // the work, the general kernel for small or skinny products.
        assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(true, false, 256, 128, 64));
        assertEquals(OpenClBackend.GemmKernel.TILED_EDGES, gpuTuned.chooseGemm(false, true, 257, 257, 257));
        assertEquals(OpenClBackend.GemmKernel.GENERAL, gpuTuned.chooseGemm(false, false, 256, 10, 128));
        assertEquals(OpenClBackend.GemmKernel.GENERAL, gpuTuned.chooseGemm(false, false, 1, 1, 1));
        // The large tiles only where they fit exactly and make two work-groups per compute unit.
        int units = gpuTuned.device().computeUnits();
        int side = 128 * (int) Math.ceil(Math.sqrt(2.0 * units));
        assertEquals(OpenClBackend.GemmKernel.TILED_LARGE, gpuTuned.chooseGemm(false, true, side, side, 64));
        assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(false, true, side, side, 48));
        assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(false, true, 128, 128, 64));
        // CPU tuning: the direct kernel unless C is smaller than one work-item's block.
        assertEquals(OpenClBackend.GemmKernel.DIRECT, cpuTuned.chooseGemm(false, false, 257, 17, 1));
        assertEquals(OpenClBackend.GemmKernel.DIRECT, cpuTuned.chooseGemm(false, true, 4, 2, 1000));
        assertEquals(OpenClBackend.GemmKernel.GENERAL, cpuTuned.chooseGemm(false, false, 3, 1000, 1000));
    }

    @Test
    void theTiledKernelRefusesShapesThatAreNotTileMultiples() {
        try (Matrices m = new Matrices(gpuTuned, false, false, 65, 64, 16)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gpuTuned.gemm(OpenClBackend.GemmKernel.TILED, false, false, 1f, m.a, m.b, 0f, m.c));
            assertTrue(e.getMessage().contains("multiples"), e.getMessage());
        }
    }

    /**
     * C ← α·op(A)·op(B) + β·C with {@code kernel} for every transpose case, twice: β = 0 over a C
     * full of NaN, and β ≠ 0. Compared with the general kernel and with the scalar reference.
     */
    private void compare(OpenClBackend backend, OpenClBackend.GemmKernel kernel, int[] shape) {
        int m = shape[0], n = shape[1], k = shape[2];
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 0.5f}) {
                    long seed = 31L * m + 7L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0);
                    float alpha = -0.75f;
                    String what = String.format("%s gemm(transA=%b, transB=%b, β=%s) m=%d n=%d k=%d", kernel, transA,
                            transB, beta, m, n, k);
                    float[] fast = run(backend, kernel, transA, transB, alpha, beta, m, n, k, seed);
                    float[] general = run(backend, OpenClBackend.GemmKernel.GENERAL, transA, transB, alpha, beta, m,
                            n, k, seed);
                    float[] exact = run(reference, null, transA, transB, alpha, beta, m, n, k, seed);
                    Tolerance.assertMatches(what + " vs the general kernel", n, fast, general);
                    Tolerance.assertMatches(what + " vs the scalar reference", n, fast, exact);
                }
            }
        }
    }

    private static float[] run(Backend backend, OpenClBackend.GemmKernel kernel, boolean transA, boolean transB,
                               float alpha, float beta, int m, int n, int k, long seed) {
        try (Matrices mats = new Matrices(backend, transA, transB, m, n, k)) {
            backend.copyIn(ConformanceChecks.uniform(seed, m * k, -1, 1), 0, mats.a);
            backend.copyIn(ConformanceChecks.uniform(seed + 1, k * n, -1, 1), 0, mats.b);
            float[] c = ConformanceChecks.uniform(seed + 2, m * n, -1, 1);
            if (beta == 0) {
                Arrays.fill(c, Float.NaN);
            }
            backend.copyIn(c, 0, mats.c);
            if (kernel == null) {
                backend.gemm(transA, transB, alpha, mats.a, mats.b, beta, mats.c);
            } else {
                ((OpenClBackend) backend).gemm(kernel, transA, transB, alpha, mats.a, mats.b, beta, mats.c);
            }
            float[] out = new float[m * n];
            backend.copyOut(mats.c, out, 0);
            return out;
        }
    }

    /** A, B and C for one product, released together. */
    private static final class Matrices implements AutoCloseable {
        final Backend backend;
        final Matrix a;
        final Matrix b;
        final Matrix c;

        Matrices(Backend backend, boolean transA, boolean transB, int m, int n, int k) {
            this.backend = backend;
            a = transA ? backend.allocate(k, m) : backend.allocate(m, k);
            b = transB ? backend.allocate(n, k) : backend.allocate(k, n);
            c = backend.allocate(m, n);
        }

        @Override
        public void close() {
            backend.release(a);
            backend.release(b);
            backend.release(c);
        }
    }
}
