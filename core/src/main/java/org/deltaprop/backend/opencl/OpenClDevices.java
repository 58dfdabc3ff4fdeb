package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL devices of this machine, numbered across platforms in the order the driver lists
 * them, and the choice among them by the system property {@value #PROPERTY}: an index into that
 * list, or a case-insensitive part of a device's name. Without it: the first GPU, else the first
 * device.
 */
final class OpenClDevices {

    static final String PROPERTY = "deltaprop.opencl.device";

    /** What happens when there is no OpenCL library or no platform: the one fix we can name. */
    static final String INSTALL_FIX =
            "install an OpenCL driver: apt-get install pocl-opencl-icd ocl-icd-opencl-dev";

    private OpenClDevices() {
    }

    /** One device and the limits that matter to Deltaprop, as the driver reports them. */
    record Device(int index, cl_platform_id platform, cl_device_id id, String platformName, String platformVersion,
                  String name, String vendor, String version, long type, int computeUnits, long maxWorkGroupSize,
                  long localMemory, long globalMemory, long maxAllocation, int nativeFloatWidth) {

        boolean isGpu() {
            return (type & CL.CL_DEVICE_TYPE_GPU) != 0;
        }

        String typeName() {
            if (isGpu()) {
                return "GPU";
            }
            if ((type & CL.CL_DEVICE_TYPE_CPU) != 0) {
                return "CPU";
            }
            return (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
        }

        /** "pthread-haswell-AMD EPYC (CPU, 2 compute units)", for one-line messages. */
        String shortName() {
            return name + " (" + typeName() + ", " + computeUnits + " compute units)";
        }

        /** Every limit on one line, for {@code deltaprop info} and for error messages. */
        String describe() {
            return String.format(Locale.ROOT, "#%d %s: %s, vendor %s, %s, %d compute units, max work-group %d, "
                            + "local memory %s, global memory %s, max allocation %s, float vectors of %d",
                    index, name, typeName(), vendor, version, computeUnits, maxWorkGroupSize, bytes(localMemory),
                    bytes(globalMemory), bytes(maxAllocation), nativeFloatWidth);
        }
    }

    /**
     * Every device of every platform. Throws {@link LinkageError} when JOCL's native part or
     * libOpenCL cannot be loaded, and {@link CLException} when the driver fails; returns an empty
     * list when the loader finds no platform (no driver installed).
     */
    static List<Device> enumerate() {
        OpenClLibrary.requireLoadable(OpenClLibrary.NAME);  // before JOCL, which would print the failure
        CL.setExceptionsEnabled(true);
        int[] count = new int[1];
        try {
            CL.clGetPlatformIDs(0, null, count);
        } catch (CLException e) {
            if (e.getStatus() == CL.CL_PLATFORM_NOT_FOUND_KHR) {
                return List.of();  // the ICD loader is there but no driver registered itself
            }
            throw e;
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        CL.clGetPlatformIDs(platforms.length, platforms, null);
        List<Device> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
            String platformVersion = platformString(platform, CL.CL_PLATFORM_VERSION);
            int[] n = new int[1];
            try {
                CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (CLException e) {
                if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) {
                    continue;  // a platform without devices
                }
                throw e;
            }
            cl_device_id[] ids = new cl_device_id[n[0]];
            CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
            for (cl_device_id id : ids) {
                devices.add(new Device(devices.size(), platform, id, platformName, platformVersion,
                        deviceString(id, CL.CL_DEVICE_NAME).trim(), deviceString(id, CL.CL_DEVICE_VENDOR).trim(),
                        deviceString(id, CL.CL_DEVICE_VERSION).trim(), deviceLong(id, CL.CL_DEVICE_TYPE),
                        (int) deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                        deviceSize(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE),
                        deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                        (int) deviceInt(id, CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT)));
            }
        }
        return List.copyOf(devices);
    }

    /** A failure of the driver in words: a {@link CLException}'s error code by name, else the exception. */
    static String describe(RuntimeException e) {
        return e instanceof CLException cl ? CL.stringFor_errorCode(cl.getStatus()) : e.toString();
    }

    /**
     * The device {@code spec} names (null or blank: the default), from {@code devices}. Throws
     * {@link IllegalArgumentException} listing the devices when nothing matches.
     */
    static Device select(List<Device> devices, String spec) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no OpenCL device found: " + INSTALL_FIX);
        }
        if (spec == null || spec.isBlank()) {
            return devices.stream().filter(Device::isGpu).findFirst().orElse(devices.get(0));
        }
        String wanted = spec.trim();
        if (wanted.chars().allMatch(Character::isDigit)) {
            int index;
            try {
                index = Integer.parseInt(wanted);
            } catch (NumberFormatException e) {
                index = -1;  // too many digits to be an index
            }
            if (index >= 0 && index < devices.size()) {
                return devices.get(index);
            }
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + spec + ": there is no OpenCL device #" + wanted
                    + "; use an index or a part of a name from: " + list(devices));
        }
        String part = wanted.toLowerCase(Locale.ROOT);
        return devices.stream().filter(d -> d.name().toLowerCase(Locale.ROOT).contains(part)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("-D" + PROPERTY + "=" + spec
                        + " matches no OpenCL device name; use an index or a part of a name from: " + list(devices)));
    }

    /** "#0 pthread-haswell-AMD EPYC (CPU, 2 compute units); #1 ...". */
    static String list(List<Device> devices) {
        StringBuilder text = new StringBuilder();
        for (Device d : devices) {
            text.append(text.isEmpty() ? "" : "; ").append('#').append(d.index()).append(' ').append(d.shortName());
        }
        return text.toString();
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return n >= 1L << 10 ? (n >> 10) + " KiB" : n + " B";
    }

    private static String platformString(cl_platform_id platform, int param) {
        return infoString((size, value, sizeReturned) ->
                CL.clGetPlatformInfo(platform, param, size, value, sizeReturned));
    }

    private static String deviceString(cl_device_id device, int param) {
        return infoString((size, value, sizeReturned) ->
                CL.clGetDeviceInfo(device, param, size, value, sizeReturned));
    }

    /** One clGet*Info call for one parameter: (size of value, value, size the driver has) as OpenCL takes them. */
    private interface InfoCall {
        void get(long size, Pointer value, long[] sizeReturned);
    }

    /** A string parameter: its length asked first, then its bytes, a NUL-terminated C string. */
    private static String infoString(InfoCall call) {
        long[] size = new long[1];
        call.get(0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        call.get(buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    private static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }

    private static long deviceInt(cl_device_id device, int param) {
        int[] value = new int[1];
        CL.clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(value), null);
        return value[0] & 0xFFFFFFFFL;
    }

    private static long deviceSize(cl_device_id device, int param) {
        long[] value = new long[1];
        CL.clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null);
        return value[0];
    }

    /** The bytes of a NUL-terminated C string. */
    private static String cString(byte[] buffer) {
        int length = 0;
        while (length < buffer.length && buffer[length] != 0) {
            length++;
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }
}
