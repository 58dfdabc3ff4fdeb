package org.deltaprop.backend.opencl;

import org.deltaprop.backend.BackendProvider;
import org.junit.jupiter.api.Assumptions;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenCL device the tests of this package run on. Where there is none they are skipped,
 * unless the system property {@value #REQUIRE} names opencl (as for the conformance suite:
 * {@code scripts/test.sh} passes {@code DELTAPROP_REQUIRE_BACKENDS}), in which case they fail.
 */
final class OpenClTestDevice {

    /** The property BackendConformanceTest reads: comma-separated backends that must run. */
    static final String REQUIRE = "deltaprop.conformance.require";

    private OpenClTestDevice() {
    }

    /** Every device, or the test is skipped (or failed, where opencl is required). */
    static List<OpenClDevices.Device> devices() {
        BackendProvider.Availability availability = new OpenClProvider().probe();
        if (!availability.usable()) {
            String why = "no usable OpenCL device: " + availability.detail();
            if (Arrays.stream(System.getProperty(REQUIRE, "").split(",")).map(String::trim).anyMatch("opencl"::equals)) {
                fail(why + " (required by -D" + REQUIRE + ")");
            }
            Assumptions.abort(why);
        }
        return OpenClDevices.enumerate();
    }

    /** The device the backend would pick. */
    static OpenClDevices.Device selected() {
        return OpenClDevices.select(devices(), System.getProperty(OpenClDevices.PROPERTY));
    }
}
