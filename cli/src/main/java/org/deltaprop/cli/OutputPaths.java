package org.deltaprop.cli;

import org.deltaprop.io.AtomicFiles;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks made before long work starts, so that a bad output fails in a second, not after
 * training: each output's folder is writable, no output is an input or another output, and
 * no other process is writing the same files. Also standard output as a stream that throws
 * when it cannot be written, where {@code System.out} only records the failure.
 */
public final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * Throws unless {@code file} could be written: its folder exists and is writable, and it is
     * not a folder. Removes the temporary files a killed write of it left, and says so.
     */
    public static void checkWritable(Path file, String what) {
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
        try {
            for (Path stale : AtomicFiles.removeStaleTemporaries(file)) {
                System.err.println("deltaprop: removed " + stale + ", left by a write of the " + what
                        + " that was killed");
            }
        } catch (IOException e) {
            throw new Main.UserException("cannot list the folder of the " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** Named paths in order, leaving out the nulls: the inputs or outputs of a command. */
    public static Map<String, Path> named(Object... namesAndPaths) {
        Map<String, Path> named = new LinkedHashMap<>();
        for (int i = 0; i < namesAndPaths.length; i += 2) {
            if (namesAndPaths[i + 1] != null) {
                named.put((String) namesAndPaths[i], (Path) namesAndPaths[i + 1]);
            }
        }
        return named;
    }

    /**
     * Throws when an output is the same file as an input or as another output: writing it would
     * destroy what the command reads, or one output would replace another.
     */
    public static void checkSeparate(Map<String, Path> outputs, Map<String, Path> inputs) {
        List<Map.Entry<String, Path>> seen = new ArrayList<>();
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            for (Map.Entry<String, Path> input : inputs.entrySet()) {
                if (sameFile(output.getValue(), input.getValue())) {
                    throw new Main.UserException("the " + output.getKey() + " " + output.getValue() + " is the "
                            + input.getKey() + " file: writing it would destroy the input; choose another output");
                }
            }
            for (Map.Entry<String, Path> other : seen) {
                if (sameFile(output.getValue(), other.getValue())) {
                    throw new Main.UserException("the " + output.getKey() + " and the " + other.getKey()
                            + " are both " + output.getValue() + ": one would replace the other; give them "
                            + "different names");
                }
            }
            seen.add(output);
        }
    }

    /** The file beside {@code model} named as it is, with {@code suffix} for its .safetensors: model.ckpt.safetensors. */
    public static Path sibling(Path model, String suffix) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return model.resolveSibling(stem + suffix);
    }

    /** The same file: the same path, or (for files that exist) the same file under another name or link. */
    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Locks the outputs against other processes until closed: a second training into the same
     * files fails at once instead of racing this one. The lock is the operating system's on a
     * file {@code .<name>.lock} beside each output, holding the owner's pid; closing deletes it,
     * and a killed process holds no lock, so the file it leaves is taken over by the next run.
     */
    public static Lock lock(List<Path> outputs) {
        Lock lock = new Lock();
        try {
            for (Path output : outputs) {
                lock.add(output);
            }
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The locks {@link #lock} took; closing releases them. */
    public static final class Lock implements AutoCloseable {
        private final Map<Path, FileChannel> held = new LinkedHashMap<>();

        private void add(Path output) {
            Path absolute = output.toAbsolutePath();
            Path file = absolute.resolveSibling("." + absolute.getFileName() + ".lock");
            String pid = Long.toString(ProcessHandle.current().pid());
            try {
                // Twice at most: a holder that closes deletes its file, so the one opened may be gone.
                for (int attempt = 0; attempt < 2; attempt++) {
                    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    FileLock lock;
                    try {
                        lock = channel.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lock = null;    // this JVM holds it already
                    }
                    if (lock == null) {
                        String holder = Files.readString(file).trim();
                        channel.close();
                        throw new Main.UserException("another deltaprop process" + (holder.matches("\\d+")
                                ? " (pid " + holder + ")" : "") + " is writing " + output + " (it holds " + file
                                + "): wait for it to finish, or write elsewhere with -o");
                    }
                    channel.truncate(0).write(StandardCharsets.UTF_8.encode(pid), 0);
                    if (Files.exists(file) && Files.readString(file).equals(pid)) {
                        held.put(file, channel);
                        return;
                    }
                    channel.close();
                }
                throw new Main.UserException("cannot lock " + output + ": " + file + " keeps changing; is another "
                        + "process writing there?");
            } catch (IOException e) {
                throw new Main.UserException("cannot lock " + output + ": " + e.getMessage());
            }
        }

        @Override
        public void close() {
            for (Map.Entry<Path, FileChannel> entry : held.entrySet()) {
                try (FileChannel channel = entry.getValue()) {      // closing releases the lock
                    Files.deleteIfExists(entry.getKey());     // while still locked, so no one else holds it yet
                } catch (IOException e) {
                    // nothing is lost: the lock goes with the process anyway
                }
            }
            held.clear();
        }
    }

    /**
     * Standard output as a stream that throws when a write fails (closed, a full disk), so that
     * the failure is an error and not a silent loss. Buffer in front of it: each write flushes.
     */
    static OutputStream checkedStandardOutput() {
        PrintStream stdout = System.out;
        return new FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                stdout.write(b, off, len);
                check();
            }

            @Override
            public void flush() throws IOException {
                check();
            }

            private void check() throws IOException {
                if (stdout.checkError()) {      // flushes, then tells whether any write failed
                    throw new IOException("cannot write to standard output (closed, or the disk is full)");
                }
            }
        };
    }
}
