package org.deltaprop.backend.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenCL C sources of {@code kernels/}, which the build copies onto the classpath under
 * {@code /kernels/}. Each file is read once per JVM.
 */
final class KernelSource {

    /** The definitions every program starts with ({@link ProgramCache} puts them in front). */
    static final String COMMON = "common.cl";

    private static final Map<String, String> SOURCES = new ConcurrentHashMap<>();

    private KernelSource() {
    }

    /** The text of {@code /kernels/<file>}, e.g. {@code load("gemm.cl")}. */
    static String load(String file) {
        return SOURCES.computeIfAbsent(file, KernelSource::read);
    }

    private static String read(String file) {
        String path = "/kernels/" + file;
        try (InputStream in = KernelSource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the OpenCL kernel source " + path + " is not on the classpath; "
                        + "the build copies the top-level kernels/ folder there (mvn package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenCL kernel source " + path, e);
        }
    }
}
