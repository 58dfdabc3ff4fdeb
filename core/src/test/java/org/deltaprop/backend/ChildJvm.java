package org.deltaprop.backend;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a main class in a JVM of its own, with no flags and a class path of just the places some
 * classes were loaded from: how tests see Deltaprop on a JVM without the Vector API module, or
 * without a library.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * What {@code main} prints (standard output and error together) in a child JVM whose class path
     * holds where each of {@code classPathOf} was loaded from; fails the test unless it exits with 0.
     */
    public static String run(Class<?> main, List<Class<?>> classPathOf) throws IOException, InterruptedException {
        return run(main, classPathOf, Map.of());
    }

    /** As {@link #run(Class, List)}, with {@code environment} added to the child's environment. */
    public static String run(Class<?> main, List<Class<?>> classPathOf, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-cp", classPath(classPathOf), main.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /**
     * Where the classes were loaded from: java.class.path is not enough when a launcher (JUnit's
     * console launcher, say) loads the tests through a class loader of its own.
     */
    public static String classPath(List<Class<?>> classes) {
        List<String> entries = new ArrayList<>();
        for (Class<?> type : classes) {
            try {
                String entry = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                if (!entries.contains(entry)) {
                    entries.add(entry);
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the classes of " + type, e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
