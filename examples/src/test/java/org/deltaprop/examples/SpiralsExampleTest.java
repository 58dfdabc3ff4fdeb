package org.deltaprop.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the example as a user would have it, on the class path of a project that depends on
 * deltaprop-core alone, and checks what it prints and writes (the output is echoed, for the log).
 */
class SpiralsExampleTest {

    @TempDir
    Path dir;

    @Test
    void trainsOnSimdWithoutJoclAndPredictsTheArms() throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.jocl.CL"),
                "JOCL is optional in deltaprop-core: a project depending on it alone must not get it");
        String output = runMain(dir.toString());
        System.out.print(output);

        // The surefire JVM has the Vector API module and no JOCL: auto must choose simd.
        assertTrue(output.startsWith("backend: simd\n"), output);
        Matcher accuracy = Pattern.compile("test accuracy ([0-9.]+) on 600 rows").matcher(output);
        assertTrue(accuracy.find(), output);
        assertTrue(Double.parseDouble(accuracy.group(1)) >= 0.9, "three spirals are learnable: " + accuracy.group(1));
        // The points at radius 0.5 of arms 0, 1, 2, predicted by the model read back from its file.
        for (int arm = 0; arm < 3; arm++) {
            assertTrue(output.contains(": arm " + arm + ", probabilities"), output);
        }
        assertTrue(Files.size(dir.resolve("spirals.safetensors")) > 0);
        assertTrue(Files.size(dir.resolve("spirals.ckpt.safetensors")) > 0);
    }

    private static String runMain(String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SpiralsExample.main(args);
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
