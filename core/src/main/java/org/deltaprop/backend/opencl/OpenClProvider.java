package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.BackendUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Finds out whether the OpenCL backend can run: JOCL's native library and libOpenCL load, a
 * driver lists a device, and {@value OpenClDevices#PROPERTY} (if set) names one of them. Ranked
 * 30 on a GPU (ahead of the CPU backends) and 10 on a CPU device (PoCL: behind the SIMD backend,
 * ahead of the scalar reference). Found by {@code Backends} through ServiceLoader; every failure
 * to load libOpenCL or list its devices is caught here, so the core runs where libOpenCL is absent.
 *
 * <p>JOCL is an optional dependency of the library: without it on the class path this provider
 * still loads (it names no JOCL class; everything that does is reached only after
 * {@link #joclPresent}) and reports the backend unusable, saying so.
 */
public final class OpenClProvider implements BackendProvider {

    static final int GPU_RANK = 30;
    static final int CPU_RANK = 10;

    private final Supplier<List<OpenClDevices.Device>> devices;

    /** What {@link #probe} reports when JOCL is missing. */
    static final String JOCL_MISSING = "JOCL not on the classpath: add the org.jocl:jocl jar to use OpenCL";

    public OpenClProvider() {
        // A lambda, not a method reference: a reference would link OpenClDevices, and with it JOCL,
        // as this provider is made; the lambda's body runs only once JOCL is known to be there.
        this(() -> OpenClDevices.enumerate());
    }

    /** A provider that gets the device list from {@code devices} (tests stand in a missing driver). */
    OpenClProvider(Supplier<List<OpenClDevices.Device>> devices) {
        this.devices = devices;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public Availability probe() {
        try {
            OpenClDevices.Device device = selected(list());
            String chosen = System.getProperty(OpenClDevices.PROPERTY, "").isBlank()
                    ? "" : " (-D" + OpenClDevices.PROPERTY + "=" + System.getProperty(OpenClDevices.PROPERTY) + ")";
            return Availability.usable(name(), device.isGpu() ? GPU_RANK : CPU_RANK,
                    "#" + device.index() + " " + device.shortName() + " on " + device.platformName() + chosen);
        } catch (BackendUnavailableException e) {
            return Availability.unusable(name(), e.getMessage());
        }
    }

    @Override
    public Backend create() {
        return OpenClBackend.start(selected(list()));
    }

    /** Every platform and device with its limits, the selected one marked. */
    @Override
    public List<String> diagnostics() {
        List<String> lines = new ArrayList<>();
        List<OpenClDevices.Device> all;
        try {
            all = list();
        } catch (BackendUnavailableException e) {
            return List.of("OpenCL: " + e.getMessage());
        }
        OpenClDevices.Device chosen;
        try {
            chosen = selected(all);
        } catch (BackendUnavailableException e) {
            chosen = null;
            lines.add("OpenCL: " + e.getMessage());
        }
        OpenClDevices.Device previous = null;
        for (OpenClDevices.Device d : all) {
            if (previous == null || d.platform() != previous.platform()) {
                lines.add("OpenCL platform " + d.platformName() + " (" + d.platformVersion() + ")");
            }
            previous = d;
            lines.add("  device " + d.describe() + (d == chosen ? "  [selected]" : ""));
        }
        return lines;
    }

    /** Whether JOCL's classes can be loaded, without loading them. */
    static boolean joclPresent() {
        try {
            Class.forName("org.jocl.CL", false, OpenClProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The devices, or the reason there are none and the fix. */
    private List<OpenClDevices.Device> list() {
        if (!joclPresent()) {
            throw new BackendUnavailableException(JOCL_MISSING);
        }
        List<OpenClDevices.Device> all;
        try {
            all = devices.get();
        } catch (LinkageError e) {
            // JOCL's native part could not load libOpenCL (or itself): no driver on this machine.
            throw new BackendUnavailableException("cannot load the OpenCL library (" + e.getMessage() + "): "
                    + OpenClDevices.INSTALL_FIX, e);
        } catch (RuntimeException e) {
            // JOCL's CLException, named only in OpenClDevices (a catch clause here would link JOCL).
            throw new BackendUnavailableException("the OpenCL driver failed to list its devices ("
                    + OpenClDevices.describe(e) + "): " + OpenClDevices.INSTALL_FIX, e);
        }
        if (all.isEmpty()) {
            throw new BackendUnavailableException("no OpenCL platform or device found: " + OpenClDevices.INSTALL_FIX);
        }
        return all;
    }

    private static OpenClDevices.Device selected(List<OpenClDevices.Device> all) {
        try {
            return OpenClDevices.select(all, System.getProperty(OpenClDevices.PROPERTY));
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        }
    }
}
