package org.deltaprop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Data given as {@code -}: standard input, copied to a file in the system's temporary folder
 * (deleted on {@link #close}) because the readers open a file more than once (to tell its format,
 * its delimiter and its columns before streaming it) and a pipe can be read only once. Messages
 * about the copy name it "standard input".
 */
final class StandardInput implements AutoCloseable {

    /** How messages name the data. */
    static final String NAME = "standard input";

    private final Path copy;

    private StandardInput(Path copy) {
        this.copy = copy;
    }

    /** Whether {@code argument} asks for standard input. */
    static boolean named(Object argument) {
        return argument != null && argument.toString().equals("-");
    }

    /** All of {@code in}, copied to a new temporary file, for {@code option}. */
    static StandardInput copy(InputStream in, String option) {
        Path copy = null;
        try {
            copy = Files.createTempFile("deltaprop-stdin-", ".data");
            copy.toFile().deleteOnExit();
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return new StandardInput(copy);
        } catch (IOException e) {
            delete(copy);
            throw new Main.UserException(option + " -: cannot copy standard input to the temporary folder "
                    + System.getProperty("java.io.tmpdir") + " (" + Main.describe(e) + "); free space there, or "
                    + "choose another with DELTAPROP_JAVA_OPTS=-Djava.io.tmpdir=FOLDER, or give a file");
        }
    }

    Path path() {
        return copy;
    }

    /** {@code message} with the copy's path written as "standard input". */
    String shown(String message) {
        return message == null ? null : message.replace(copy.toString(), NAME);
    }

    /** Runs {@code body}, its user-facing failures naming the copy "standard input". */
    <T> T naming(Body<T> body) throws Exception {
        try {
            return body.run();
        } catch (Main.UserException | IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new Main.UserException(shown(Main.describe(e)));
        }
    }

    @FunctionalInterface
    interface Body<T> {
        T run() throws Exception;
    }

    @Override
    public void close() {
        delete(copy);
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // deleteOnExit still removes it when the JVM ends.
            }
        }
    }
}
