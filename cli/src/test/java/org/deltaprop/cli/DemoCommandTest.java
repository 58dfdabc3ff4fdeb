package org.deltaprop.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {

    @Test
    void writesTheFigureAndPrintsTheErrors(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("demo.png");
        String out = capture(() -> assertEquals(0,
                Main.run("demo", "--steps", "300", "--backend", "scalar", "-o", png.toString())));
        assertTrue(Files.size(png) > 10_000);
        assertTrue(out.contains("sin(x)") && out.contains("H(x)"), out);
    }

    @Test
    void badArgumentsExitNonZeroWithoutOutput(@TempDir Path dir) {
        Path png = dir.resolve("demo.png");
        assertEquals(1, Main.run("demo", "--steps", "0", "-o", png.toString()));
        assertEquals(1, Main.run("demo", "--backend", "cuda", "-o", png.toString()));
        assertEquals(2, Main.run("demo", "--steps", "many"), "picocli's usage error status");
        Cli threads = Cli.run("demo", "--threads", "0", "-o", png.toString());
        assertEquals(2, threads.status(), threads.toString());
        assertTrue(threads.err().startsWith("deltaprop demo: error: --threads 0: give a thread count from 1 to"), threads.toString());
        assertFalse(Files.exists(png));
    }

    @Test
    void theBackendOptionListsThisBuildsBackends() {
        Cli help = Cli.run("demo", "--help");
        assertTrue(help.out().matches("(?s).*--backend=NAME +auto, scalar, simd, opencl \\(default:.*"), help.toString());
    }

    static String capture(Runnable action) {
        PrintStream old = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true));
        try {
            action.run();
        } finally {
            System.setOut(old);
        }
        return buffer.toString();
    }
}
