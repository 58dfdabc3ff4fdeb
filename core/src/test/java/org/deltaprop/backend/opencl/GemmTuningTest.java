package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which GEMM tuning a device gets, on stand-in devices: every kind and vector width is checked
 * on any machine, and without an OpenCL driver (GemmKernelsTest runs the tunings on a device).
 */
class GemmTuningTest {

    /** The CPU tuning at a CPU device's native float width (at least 2, at most 16), the GPU tunings on a GPU. */
    @Test
    void theTuningFollowsTheDevice() {
        for (int width : new int[] {1, 2, 4, 8, 16, 32}) {
            OpenClDevices.Device cpu = standIn(CL.CL_DEVICE_TYPE_CPU, width);
            GemmTuning tuning = GemmTuning.forDevice(cpu);
            assertTrue(tuning.direct());
            assertEquals(Math.max(2, Math.min(16, width)), tuning.knob("VWD"), "native width " + width);
            assertEquals(GemmTuning.cpu(width), tuning);
            assertNull(GemmTuning.largeForDevice(cpu));
        }
        OpenClDevices.Device gpu = standIn(CL.CL_DEVICE_TYPE_GPU, 1);
        assertEquals(GemmTuning.gpu(), GemmTuning.forDevice(gpu));
        assertEquals(GemmTuning.gpuLarge(), GemmTuning.largeForDevice(gpu));
    }

    private static OpenClDevices.Device standIn(long type, int nativeFloatWidth) {
        return new OpenClDevices.Device(0, null, null, "platform", "OpenCL 3.0", "stand-in", "vendor", "OpenCL 3.0",
                type, 8, 1024, 48 << 10, 8L << 30, 2L << 30, nativeFloatWidth);
    }
}
