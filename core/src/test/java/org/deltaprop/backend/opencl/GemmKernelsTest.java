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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every GEMM kernel against the general one and against the scalar reference, for all four
 * transpose cases: the tiled kernel (with the GPU tuning, as a GPU would run it) on shapes that
 * are multiples of its tiles, and with edges on ragged ones; the direct kernel (the CPU tuning)
 * on both, at every vector width the CPU tuning takes, whatever this device's own; and the
 * host's choice among them by shape, with every expectation derived from the tuning and the
 * device rather than from one machine's numbers (GemmTuningTest: which tuning a device gets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GemmKernelsTest {

    private OpenClDevices.Device device;
    private OpenClBackend gpuTuned;
    /** The CPU tuning by vector width, made on first use. */
    private final Map<Integer, OpenClBackend> cpuTuned = new TreeMap<>();
    private final ScalarBackend reference = new ScalarBackend();

    @BeforeAll
    void open() {
        device = OpenClTestDevice.selected();
        gpuTuned = new OpenClBackend(device, GemmTuning.gpu(), GemmTuning.gpuLarge());
    }

    @AfterAll
    void close() {
        if (gpuTuned != null) {
            gpuTuned.close();
        }
        cpuTuned.values().forEach(OpenClBackend::close);
    }

    /**
     * The float vector widths of the CPU tuning (gemm_direct.cl's VWD): 2 (a GPU's native width of
     * 1 is raised to it), 4 (SSE, NEON), 8 (AVX2) and 16 (AVX-512). Each compiles on any device.
     */
    static IntStream vectorWidths() {
        return IntStream.of(2, 4, 8, 16);
    }

    private OpenClBackend cpuTuned(int width) {
        return cpuTuned.computeIfAbsent(width, w -> new OpenClBackend(device, GemmTuning.cpu(w), null));
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

    @ParameterizedTest(name = "float{0}")
    @MethodSource("vectorWidths")
    void directKernelMatchesTheGeneralOneOnAllShapes(int width) {
        GemmTuning tuning = GemmTuning.cpu(width);
        assertEquals(width, tuning.knob("VWD"));
        // The ragged shapes reach every edge at this width: a partial block of C on both sides in
        // each form, a K tail shorter than a vector, and K split into more than one slice.
        for (boolean dot : new boolean[] {false, true}) {
            int[] block = tuning.directBlock(false, dot);
            String what = "ragged shapes with blocks of " + Arrays.toString(block) + " at float" + width;
            assertTrue(RAGGED.stream().anyMatch(s -> s[0] % block[0] != 0), what);
            assertTrue(RAGGED.stream().anyMatch(s -> s[1] % block[1] != 0), what);
        }
        assertTrue(RAGGED.stream().anyMatch(s -> s[2] % width != 0), "a K tail at float" + width);
        assertTrue(RAGGED.stream().anyMatch(s -> s[2] > tuning.knob("KCD")), "K in slices");
        for (int[] shape : RAGGED) {
            compare(cpuTuned(width), OpenClBackend.GemmKernel.DIRECT, shape);
        }
        for (int[] shape : TILE_MULTIPLES) {
            compare(cpuTuned(width), OpenClBackend.GemmKernel.DIRECT, shape);
        }
    }

    /**
     * GPU tuning: tiles where they fit exactly, tiles with edges where padding at most doubles the
     * work, the general kernel for small or skinny products; the large tiles only where they fit
     * exactly and make at least two work-groups per compute unit of this device.
     */
    @Test
    void onTheGpuTuningTheHostChoosesByShape() {
        // 192 rows: a multiple of the small tiles but not of the large ones, whatever the compute units.
        assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(true, false, 192, 128, 64));
        assertEquals(OpenClBackend.GemmKernel.TILED_EDGES, gpuTuned.chooseGemm(false, true, 257, 257, 257));
        assertEquals(OpenClBackend.GemmKernel.GENERAL, gpuTuned.chooseGemm(false, false, 256, 10, 128));
        assertEquals(OpenClBackend.GemmKernel.GENERAL, gpuTuned.chooseGemm(false, false, 1, 1, 1));
        int tile = GemmTuning.gpuLarge().knob("MWG");
        assertEquals(tile, GemmTuning.gpuLarge().knob("NWG"));
        int enough = 2 * device.computeUnits();
        assertEquals(OpenClBackend.GemmKernel.TILED_LARGE, gpuTuned.chooseGemm(false, true, tile * enough, tile, 64));
        assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(false, true, tile * (enough - 1), tile, 64));
        assertEquals(OpenClBackend.GemmKernel.TILED, gpuTuned.chooseGemm(false, true, tile * enough, tile, 48),
                "K not a multiple of the large tiles' slices");
    }

    /**
     * CPU tuning: the direct kernel for any C of at least one work-item's block (which depends on
     * the vector width and, for the dot form, on the transposes), the general kernel below it.
     */
    @ParameterizedTest(name = "float{0}")
    @MethodSource("vectorWidths")
    void onTheCpuTuningTheHostChoosesTheDirectKernelFromOneBlockUp(int width) {
        GemmTuning tuning = GemmTuning.cpu(width);
        OpenClBackend backend = cpuTuned(width);
        for (int t = 0; t < 4; t++) {
            boolean transA = t >= 2, transB = t % 2 == 1;
            int[] block = tuning.directBlock(transA, transB);
            String what = "gemm(transA=" + transA + ", transB=" + transB + ") with blocks of " + Arrays.toString(block);
            for (int k : new int[] {1, 1000}) {
                assertEquals(OpenClBackend.GemmKernel.DIRECT, backend.chooseGemm(transA, transB, block[0], block[1], k),
                        what);
                assertEquals(OpenClBackend.GemmKernel.DIRECT,
                        backend.chooseGemm(transA, transB, 3 * block[0] + 1, 5 * block[1] + 1, k), what);
                assertEquals(OpenClBackend.GemmKernel.GENERAL,
                        backend.chooseGemm(transA, transB, block[0] - 1, 1000, k), what);
                assertEquals(OpenClBackend.GemmKernel.GENERAL,
                        backend.chooseGemm(transA, transB, 1000, block[1] - 1, k), what);
            }
        }
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
