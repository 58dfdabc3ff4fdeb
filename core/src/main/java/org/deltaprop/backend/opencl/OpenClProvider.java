package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.BackendUnavailableException;
import org.jocl.CL;
import org.jocl.CLException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Finds out whether the OpenCL backend can run: JOCL's native library and libOpenCL load, a
 * driver lists a device, and {@value OpenClDevices#PROPERTY} (if set) names one of them. Ranked
 * 30 on a GPU (ahead of the CPU backends) and 10 on a CPU device (PoCL: behind the SIMD backend,
 * ahead of the scalar reference). Found by {@code Backends} through ServiceLoader; every failure
 * to load libOpenCL or list its devices is caught here, so the core runs where libOpenCL is absent.
 * Without JOCL this class itself cannot be linked, and {@code Backends} reports that instead.
 */
public final class OpenClProvider implements BackendProvider {

    static final int GPU_RANK = 30;
    static final int CPU_RANK = 10;

    private final Supplier<List<OpenClDevices.Device>> devices;

    public OpenClProvider() {
        this(OpenClDevices::enumerate);
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
        OpenClDevices.Device device = selected(list());
        try {
            return new OpenClBackend(device);
        } catch (CLException e) {
            throw new BackendUnavailableException("cannot start OpenCL on " + device.shortName() + ": "
                    + CL.stringFor_errorCode(e.getStatus()), e);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        }
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

    /** The devices, or the reason there are none and the fix. */
    private List<OpenClDevices.Device> list() {
        List<OpenClDevices.Device> all;
        try {
            all = devices.get();
        } catch (LinkageError e) {
            // JOCL's native part could not load libOpenCL (or itself): no driver on this machine.
            throw new BackendUnavailableException("cannot load the OpenCL library (" + e.getMessage() + "): "
                    + OpenClDevices.INSTALL_FIX, e);
        } catch (CLException e) {
            throw new BackendUnavailableException("the OpenCL driver failed to list its devices ("
                    + CL.stringFor_errorCode(e.getStatus()) + "): " + OpenClDevices.INSTALL_FIX, e);
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
