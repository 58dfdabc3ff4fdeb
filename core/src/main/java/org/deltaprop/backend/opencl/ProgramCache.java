package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Built OpenCL programs of one context, each built once per (device, source, defines) with
 * kernels/common.cl in front of the source, and the kernel objects made from them, each made once. Owns every program and kernel it hands out:
 * {@link #close} releases them. A build that fails throws {@link OpenClException} with the
 * compiler's log.
 */
final class ProgramCache implements AutoCloseable {

    /** Every program is built as portable OpenCL C 1.2, the version every current driver accepts. */
    static final String STANDARD = "-cl-std=CL1.2";

    private record Key(cl_device_id device, String source, String options) {
    }

    private final cl_context context;
    private final Map<Key, cl_program> programs = new HashMap<>();
    private final Map<cl_program, Map<String, cl_kernel>> kernels = new HashMap<>();

    ProgramCache(cl_context context) {
        this.context = context;
    }

    /**
     * The kernel {@code name} of {@code source} built for {@code device} with {@code defines}
     * prepended as {@code -D NAME=value} options; {@code what} names the source in messages.
     */
    cl_kernel kernel(cl_device_id device, String what, String source, SortedMap<String, Integer> defines,
                     String name) {
        cl_program program = program(device, what, source, defines);
        Map<String, cl_kernel> made = kernels.computeIfAbsent(program, p -> new HashMap<>());
        cl_kernel kernel = made.get(name);
        if (kernel == null) {
            try {
                kernel = CL.clCreateKernel(program, name, null);
            } catch (CLException e) {
                throw new OpenClException("kernel " + name + " is not in " + what + ": "
                        + CL.stringFor_errorCode(e.getStatus()), e);
            }
            made.put(name, kernel);
        }
        return kernel;
    }

    /** The program of {@code source} built for {@code device} with {@code defines}, built on first use. */
    cl_program program(cl_device_id device, String what, String source, SortedMap<String, Integer> defines) {
        String options = options(defines);
        Key key = new Key(device, source, options);
        cl_program program = programs.get(key);
        if (program == null) {
            program = build(device, what, source, options);
            programs.put(key, program);
        }
        return program;
    }

    static String options(SortedMap<String, Integer> defines) {
        StringBuilder options = new StringBuilder(STANDARD);
        defines.forEach((name, value) -> options.append(" -D ").append(name).append('=').append(value));
        return options.toString();
    }

    /**
     * Builds kernels/common.cl followed by {@code source}; the #line directive between them makes the
     * compiler's messages give the line numbers of the file {@code what} names.
     */
    private cl_program build(cl_device_id device, String what, String source, String options) {
        String[] parts = {KernelSource.load(KernelSource.COMMON), "\n#line 1 \"" + what + "\"\n", source};
        cl_program program = CL.clCreateProgramWithSource(context, parts.length, parts, null, null);
        try {
            CL.clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
            return program;
        } catch (CLException e) {
            String log = buildLog(program, device);
            CL.clReleaseProgram(program);
            throw new OpenClException("the OpenCL kernel " + what + " did not build (" + options + "): "
                    + CL.stringFor_errorCode(e.getStatus()) + "\ncompiler log:\n" + log, e);
        }
    }

    private static String buildLog(cl_program program, cl_device_id device) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            int length = log.length;
            while (length > 0 && (log[length - 1] == 0 || Character.isWhitespace(log[length - 1]))) {
                length--;
            }
            return length == 0 ? "(empty)" : new String(log, 0, length, StandardCharsets.UTF_8);
        } catch (CLException e) {
            return "(the driver gave no log: " + CL.stringFor_errorCode(e.getStatus()) + ")";
        }
    }

    /** Releases every kernel, then every program. */
    @Override
    public void close() {
        Releases releases = new Releases();
        for (Map<String, cl_kernel> made : kernels.values()) {
            for (cl_kernel kernel : made.values()) {
                releases.attempt(() -> CL.clReleaseKernel(kernel));
            }
        }
        kernels.clear();
        for (cl_program program : programs.values()) {
            releases.attempt(() -> CL.clReleaseProgram(program));
        }
        programs.clear();
        RuntimeException failure = releases.failure();
        if (failure != null) {
            throw failure;
        }
    }

    /** Sorted defines for {@link #kernel}, from alternating names and values. */
    static SortedMap<String, Integer> defines(Object... nameValue) {
        SortedMap<String, Integer> map = new TreeMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            map.put((String) nameValue[i], (Integer) nameValue[i + 1]);
        }
        return map;
    }
}
