package org.deltaprop.backend.opencl;

import org.deltaprop.backend.TestBackends;

import java.util.List;

/**
 * The OpenCL device the tests of this package run on. Where there is none they are skipped,
 * unless opencl is required, in which case they fail ({@link TestBackends#assumeUsable}).
 */
final class OpenClTestDevice {

    private OpenClTestDevice() {
    }

    /** Every device, or the test is skipped (or failed, where opencl is required). */
    static List<OpenClDevices.Device> devices() {
        TestBackends.assumeUsable("opencl", new OpenClProvider().probe());
        return OpenClDevices.enumerate();
    }

    /** The device the backend would pick. */
    static OpenClDevices.Device selected() {
        return OpenClDevices.select(devices(), System.getProperty(OpenClDevices.PROPERTY));
    }
}
