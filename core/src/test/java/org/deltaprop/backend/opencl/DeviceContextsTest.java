package org.deltaprop.backend.opencl;

import org.deltaprop.backend.ChildJvm;
import org.deltaprop.backend.Matrix;
import org.jocl.CL;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backends opened and closed one after another share their device's context instead of releasing
 * it: JOCL's release of a context reads memory it has just freed ({@link DeviceContexts}).
 */
class DeviceContextsTest {

    @Test
    void backendsOnOneDeviceShareOneContext() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        assertSame(DeviceContexts.of(device.id()), DeviceContexts.of(device.id()));
    }

    /**
     * With glibc's per-thread cache of freed blocks off and its perturb byte on, freed memory is
     * overwritten at once, so a read of freed memory that usually finds the old bytes finds garbage
     * every time: releasing the context through JOCL crashed the child JVM on every run. (Elsewhere
     * than glibc the variable is ignored and the test proves less.)
     */
    @Test
    void openingAndClosingBackendsSurvivesFreedMemoryBeingOverwritten() throws Exception {
        OpenClTestDevice.selected();  // skips (or fails, where opencl is required) without a device
        String output = ChildJvm.run(OpenAndClose.class, List.of(OpenAndClose.class, OpenClBackend.class, CL.class),
                Map.of("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.perturb=165"));
        assertTrue(output.contains("closed 3 backends"), output);
    }

    /** Opens, uses and closes three backends on the default device. */
    public static final class OpenAndClose {
        public static void main(String[] args) {
            OpenClDevices.Device device = OpenClDevices.select(OpenClDevices.enumerate(),
                    System.getProperty(OpenClDevices.PROPERTY));
            for (int i = 0; i < 3; i++) {
                try (OpenClBackend backend = new OpenClBackend(device)) {
                    Matrix m = backend.allocate(4, 4);
                    backend.copyIn(new float[16], 0, m);
                    backend.synchronize();
                }
            }
            System.out.println("closed 3 backends");
        }
    }
}
