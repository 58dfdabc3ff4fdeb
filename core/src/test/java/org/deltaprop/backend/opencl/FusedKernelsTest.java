// The fused operations' epilogues in every GEMM kernel: the conformance suite runs the backend's own
// tuning (the direct kernel on a CPU, the tiled one on a GPU); this runs the same checks with the
// other tuning, so that each kernel's epilogues are held to the unfused sequence wherever the tests run.
package org.deltaprop.backend.opencl;

import org.deltaprop.conformance.ConformanceChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FusedKernelsTest {

    private OpenClBackend gpuTuned;
    private OpenClBackend cpuTuned;

    @BeforeAll
    void open() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        gpuTuned = new OpenClBackend(device, GemmTuning.gpu(), GemmTuning.gpuLarge());
        cpuTuned = new OpenClBackend(device, GemmTuning.cpu(8), null);
    }

    @AfterAll
    void close() {
        gpuTuned.close();
        cpuTuned.close();
    }

    /**
     * The tiled kernel (exact and with edges) and the general one, with each epilogue; gemm.cl's pair
     * kernel, which a batch of 64 rows, 64 units over 128 inputs (among the fused shapes) takes; and
     * gemm_general.cl's, which the default network's output layer (128 rows, 10 units over 128 inputs) takes,
     * its δ·W otherwise on the tiled kernel with edges.
     */
    @Test
    void tiledKernelsEpiloguesGiveTheSequencesBits() {
        assertTrue(gpuTuned.pairs(64, 64, 128), "the shape that covers the tiled pair kernel no longer pairs");
        assertTrue(gpuTuned.pairs(128, 10, 128), "the shape that covers the general pair kernel no longer pairs");
        assertEquals(OpenClBackend.GemmKernel.TILED_EDGES, gpuTuned.chooseGemm(false, false, 128, 128, 10),
                "δ·W of that shape");
        ConformanceChecks checks = new ConformanceChecks(gpuTuned);
        checks.fusedForward();
        checks.fusedDeltaStep();
        checks.fusedWeightGradients();
        checks.fusedOutputLayerStep();
        checks.fusedLayerBackward();
    }

    /** The direct kernel, whatever this device's own tuning, with each epilogue. */
    @Test
    void directKernelsEpiloguesGiveTheSequencesBits() {
        ConformanceChecks checks = new ConformanceChecks(cpuTuned);
        checks.fusedForward();
        checks.fusedDeltaStep();
        checks.fusedWeightGradients();
        checks.fusedOutputLayerStep();
        checks.fusedLayerBackward();
    }
}
