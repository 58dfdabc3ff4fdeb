package org.deltaprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks made before long work starts, so that a bad output path fails in a second, not after training. */
final class OutputPaths {

    private OutputPaths() {
    }

    /** Throws unless {@code file} could be written: its folder exists and is writable, and it is not a folder. */
    static void checkWritable(Path file, String what) {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new Main.UserException("cannot write the " + what + " " + file + ": folder " + dir
                    + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new Main.UserException("cannot write the " + what + " " + file + ": folder " + dir
                    + " is not writable");
        }
        if (Files.isDirectory(absolute)) {
            throw new Main.UserException("cannot write the " + what + " " + file + ": it is a folder");
        }
    }
}
