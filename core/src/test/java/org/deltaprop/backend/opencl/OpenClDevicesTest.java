package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.backend.Backends;
import org.jocl.CL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device selection by {@code deltaprop.opencl.device} (index, name part, default), the messages
 * for a name that matches nothing and for a machine without a driver, and the provider's probe.
 * The first tests use stand-in device lists; those marked "real" need an OpenCL device.
 */
class OpenClDevicesTest {

    private static final List<OpenClDevices.Device> MACHINE = List.of(
            device(0, "pthread-haswell-AMD EPYC 7B13", CL.CL_DEVICE_TYPE_CPU),
            device(1, "NVIDIA H100 80GB HBM3", CL.CL_DEVICE_TYPE_GPU),
            device(2, "NVIDIA A100-SXM4-40GB", CL.CL_DEVICE_TYPE_GPU));

    private static OpenClDevices.Device device(int index, String name, long type) {
        return new OpenClDevices.Device(index, null, null, "platform", "OpenCL 3.0", name, "vendor", "OpenCL 3.0", type,
                8, 1024, 48 << 10, 80L << 30, 20L << 30, 4);
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(OpenClDevices.PROPERTY);
    }

    @Test
    void defaultIsTheFirstGpuElseTheFirstDevice() {
        assertEquals(1, OpenClDevices.select(MACHINE, null).index());
        assertEquals(1, OpenClDevices.select(MACHINE, " ").index());
        assertEquals(0, OpenClDevices.select(MACHINE.subList(0, 1), null).index());
    }

    @Test
    void anIndexPicksThatDevice() {
        assertEquals(0, OpenClDevices.select(MACHINE, "0").index());
        assertEquals(2, OpenClDevices.select(MACHINE, " 2 ").index());
    }

    @Test
    void aNamePartPicksTheFirstDeviceWhoseNameHasItIgnoringCase() {
        assertEquals(2, OpenClDevices.select(MACHINE, "a100").index());
        assertEquals(1, OpenClDevices.select(MACHINE, "nvidia").index());
        assertEquals(0, OpenClDevices.select(MACHINE, "EPYC").index());
    }

    @Test
    void aNameThatMatchesNothingListsWhatThereIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenClDevices.select(MACHINE, "radeon"));
        assertTrue(e.getMessage().contains("radeon"), e.getMessage());
        for (OpenClDevices.Device d : MACHINE) {
            assertTrue(e.getMessage().contains("#" + d.index() + " " + d.name()), e.getMessage());
        }
    }

    @Test
    void anIndexOutOfRangeListsWhatThereIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenClDevices.select(MACHINE, "3"));
        assertTrue(e.getMessage().contains("no OpenCL device #3"), e.getMessage());
        assertTrue(e.getMessage().contains("#2 NVIDIA A100"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenClDevices.select(MACHINE, "99999999999999"));
    }

    @Test
    void withoutLibOpenClTheProbeSaysWhatToInstall() {
        OpenClProvider provider = new OpenClProvider(() -> {
            throw new UnsatisfiedLinkError("Could not initialize native OpenCL library");
        });
        BackendProvider.Availability a = provider.probe();
        assertFalse(a.usable());
        assertTrue(a.detail().contains("apt-get install pocl-opencl-icd ocl-icd-opencl-dev"), a.detail());
        assertTrue(a.detail().contains("Could not initialize native OpenCL library"), a.detail());
        assertTrue(provider.diagnostics().get(0).contains("apt-get install pocl-opencl-icd"), provider.diagnostics().toString());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, provider::create);
        assertTrue(e.getMessage().contains("apt-get install pocl-opencl-icd"), e.getMessage());
    }

    /**
     * A library the dynamic loader cannot find is reported by an exception before JOCL is asked
     * (whose native loader would print the failure on standard output); on JDK 21, without
     * java.lang.foreign, and off Linux the check leaves it to JOCL.
     */
    @Test
    void aLibraryTheLoaderCannotFindIsReportedBeforeJoclIsAsked() {
        String absent = "libDeltapropNoSuchLibrary.so";
        if (Runtime.version().feature() >= 22 && System.getProperty("os.name").startsWith("Linux")) {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> OpenClLibrary.requireLoadable(absent));
            assertTrue(e.getMessage().contains(absent), e.getMessage());
        } else {
            assertDoesNotThrow(() -> OpenClLibrary.requireLoadable(absent));
        }
    }

    @Test
    void withoutAnyDeviceTheProbeSaysWhatToInstall() {
        BackendProvider.Availability a = new OpenClProvider(List::of).probe();
        assertFalse(a.usable());
        assertTrue(a.detail().startsWith("no OpenCL platform or device found"), a.detail());
        assertTrue(a.detail().contains("apt-get install pocl-opencl-icd"), a.detail());
    }

    @Test
    void theProbeRanksGpusAboveTheSimdBackendAndCpusBelowIt() {
        assertEquals(30, new OpenClProvider(() -> MACHINE).probe().rank());
        assertEquals(10, new OpenClProvider(() -> MACHINE.subList(0, 1)).probe().rank());
    }

    @Test
    void aPropertyThatMatchesNothingMakesTheBackendUnusableWithTheList() {
        System.setProperty(OpenClDevices.PROPERTY, "radeon");
        OpenClProvider provider = new OpenClProvider(() -> MACHINE);
        BackendProvider.Availability a = provider.probe();
        assertFalse(a.usable());
        assertTrue(a.detail().contains("matches no OpenCL device") && a.detail().contains("#1 NVIDIA H100"), a.detail());
        List<String> lines = provider.diagnostics();
        assertTrue(lines.stream().anyMatch(l -> l.contains("matches no OpenCL device")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("[selected]")), lines.toString());
    }

    @Test
    void diagnosticsListEveryDeviceWithItsLimitsAndMarkTheSelectedOne() {
        List<String> lines = new OpenClProvider(() -> MACHINE).diagnostics();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("OpenCL platform")).count(), lines.toString());
        for (OpenClDevices.Device d : MACHINE) {
            String line = lines.stream().filter(l -> l.contains(d.name())).findFirst().orElseThrow();
            for (String limit : List.of("compute units", "max work-group 1024", "local memory 48 KiB",
                    "global memory 80.0 GiB", "max allocation 20.0 GiB", "vendor vendor", "OpenCL 3.0")) {
                assertTrue(line.contains(limit), line + " lacks " + limit);
            }
            assertEquals(d.index() == 1, line.endsWith("[selected]"), line);
        }
    }

    // ---- real devices ----

    @Test
    void realDevicesCanBePickedByIndexAndByNamePart() {
        List<OpenClDevices.Device> devices = OpenClTestDevice.devices();
        for (OpenClDevices.Device d : devices) {
            assertSame(d, OpenClDevices.select(devices, Integer.toString(d.index())));
            String part = d.name().substring(d.name().length() / 3, d.name().length() * 2 / 3 + 1);
            OpenClDevices.Device first = devices.stream()
                    .filter(x -> x.name().toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT)))
                    .findFirst().orElseThrow();
            assertSame(first, OpenClDevices.select(devices, part.toUpperCase(Locale.ROOT)), "'" + part + "'");
        }
    }

    @Test
    void realBackendRunsOnTheDeviceThePropertyNames() {
        List<OpenClDevices.Device> devices = OpenClTestDevice.devices();
        OpenClDevices.Device last = devices.get(devices.size() - 1);
        System.setProperty(OpenClDevices.PROPERTY, Integer.toString(last.index()));
        try (Backend backend = Backends.select("opencl").backend()) {
            assertEquals(last.index(), ((OpenClBackend) backend).device().index());
            assertTrue(backend.description().contains(last.name()), backend.description());
        }
        System.setProperty(OpenClDevices.PROPERTY, "no device is called this");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("opencl"));
        assertTrue(e.getMessage().contains("matches no OpenCL device") && e.getMessage().contains(last.name()),
                e.getMessage());
    }

    @Test
    void realLibOpenClPassesTheCheckMadeBeforeJocl() {
        OpenClTestDevice.devices();
        assertDoesNotThrow(() -> OpenClLibrary.requireLoadable(OpenClLibrary.NAME));
    }

    @Test
    void realDevicesReportTheirLimits() {
        for (OpenClDevices.Device d : OpenClTestDevice.devices()) {
            assertFalse(d.name().isBlank());
            assertTrue(d.computeUnits() > 0 && d.maxWorkGroupSize() > 0 && d.localMemory() > 0, d.describe());
            assertTrue(d.globalMemory() >= d.maxAllocation() && d.maxAllocation() > 0, d.describe());
            assertTrue(d.nativeFloatWidth() >= 1, d.describe());
        }
    }
}
