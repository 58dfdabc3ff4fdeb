package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel sources and the program cache: every file in kernels/ builds after common.cl with no
 * defines and holds the kernel it is named after (common.cl builds alone); a source that does not
 * compile fails with the compiler's log, whose line numbers are the file's own; a program is built
 * once per source and defines.
 */
class KernelBuildTest {

    private cl_context context;
    private cl_device_id device;
    private ProgramCache cache;

    @BeforeEach
    void open() {
        device = OpenClTestDevice.selected().id();
        context = DeviceContexts.of(device);
        cache = new ProgramCache(context);
    }

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void everyKernelFileBuildsAfterCommonClAndHoldsTheKernelItIsNamedAfter() throws IOException {
        List<Path> files;
        Path dir = Path.of(System.getProperty("deltaprop.kernels.dir", "kernels"));
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.toString().endsWith(".cl")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no *.cl found in " + dir.toAbsolutePath());
        for (Path file : files) {
            String name = file.getFileName().toString();
            String kernel = name.substring(0, name.length() - ".cl".length());
            // From the classpath, as the backend loads it; the build copies kernels/ there.
            String source = KernelSource.load(name);
            assertTrue(source.equals(Files.readString(file)), name + " on the classpath differs from kernels/");
            if (name.equals(KernelSource.COMMON)) {
                cache.program(device, name, "", new TreeMap<>());  // common.cl followed by nothing
            } else {
                cache.kernel(device, name, source, new TreeMap<>(), kernel);
            }
        }
    }

    @Test
    void aSourceThatDoesNotCompileFailsWithTheCompilersLogInTheFilesOwnLines() {
        String broken = "__kernel void broken(__global float* x) {\n    x[0] = undeclared_thing_42 * 2.0f;\n}\n";
        OpenClException e = assertThrows(OpenClException.class,
                () -> cache.kernel(device, "broken.cl", broken, ProgramCache.defines("WGS", 64), "broken"));
        String message = e.getMessage();
        assertTrue(message.contains("broken.cl") && message.contains("-D WGS=64"), message);
        assertTrue(message.contains("compiler log") && message.contains("undeclared_thing_42"), message);
        assertTrue(message.contains("broken.cl:2:"), "the error is on line 2 of broken.cl, after common.cl: " + message);
    }

    @Test
    void everyProgramStartsWithCommonCl() {
        String usesCommon = "__kernel void uses_common(__global float* x) {\n    x[0] = ACT_RELU + LOSS_SUM_OF_SQUARES;\n}\n";
        cache.kernel(device, "uses_common.cl", usesCommon, new TreeMap<>(), "uses_common");
    }

    @Test
    void aMissingKernelIsNamed() {
        OpenClException e = assertThrows(OpenClException.class, () -> cache.kernel(device, "axpy.cl",
                KernelSource.load("axpy.cl"), new TreeMap<>(), "no_such_kernel"));
        assertTrue(e.getMessage().contains("no_such_kernel") && e.getMessage().contains("axpy.cl"), e.getMessage());
    }

    @Test
    void aProgramIsBuiltOncePerSourceAndDefines() {
        String source = KernelSource.load("axpy.cl");
        SortedMap<String, Integer> wgs64 = ProgramCache.defines("WGS", 64);
        cl_program first = cache.program(device, "axpy.cl", source, wgs64);
        assertSame(first, cache.program(device, "axpy.cl", source, ProgramCache.defines("WGS", 64)));
        assertNotSame(first, cache.program(device, "axpy.cl", source, ProgramCache.defines("WGS", 32)));
        assertSame(cache.kernel(device, "axpy.cl", source, wgs64, "axpy"),
                cache.kernel(device, "axpy.cl", source, wgs64, "axpy"));
    }

    @Test
    void definesBecomeBuildOptionsAfterTheLanguageVersion() {
        assertTrue(ProgramCache.options(ProgramCache.defines("B", 2, "A", 1))
                .equals(ProgramCache.STANDARD + " -D A=1 -D B=2"));
    }
}
