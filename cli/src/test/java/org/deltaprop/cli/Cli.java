package org.deltaprop.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process and captures what it prints. */
record Cli(int status, String out, String err) {

    /** Code that prints and returns an exit status. */
    @FunctionalInterface
    interface Body {
        int run() throws IOException;
    }

    static Cli run(String... args) {
        return capture(() -> Main.run(args));
    }

    /** Runs {@code body} with standard output and error captured. */
    static Cli capture(Body body) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = body.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
