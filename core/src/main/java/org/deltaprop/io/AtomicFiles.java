package org.deltaprop.io;

import org.deltaprop.data.BadDataException;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a file all at once or not at all: the content goes to a temporary file beside the
 * target ({@code .<name>.<pid>-<random>.tmp}), which is flushed to the disk (fsync) and then
 * renamed over the target, and the folder is synced so that the rename itself survives a
 * power loss. A failure at any point (a full disk, an I/O error, a failed rename) is an
 * {@link IOException} that names the target, and leaves whatever the target was before. A
 * process killed half way leaves its temporary file, which {@link #removeStaleTemporaries}
 * finds by the dead process id in its name.
 */
public final class AtomicFiles {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Bytes a writer's small writes are gathered into before they reach the file. */
    private static final int BUFFER = 1 << 16;
    /** A temporary file's name after its target's: the pid of its writer and a random part. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.(\\d+)-[0-9a-f]+\\.tmp");

    private AtomicFiles() {
    }

    /** Writes the content of a file; the writer must not close the stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a folder");
        }
        // Not Files.createTempFile, which makes the file readable by its owner alone: the target
        // gets the permissions any new file gets (the umask's), as a file written in place would.
        Path temp = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve(temporaryName(absolute));
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": folder " + dir + " is not writable (" + e + ")", e);
            }
        }
        boolean done = false;
        try {
            writeContent(channel, writer);
            syncFile(channel);
            channel.close();
            rename(temp, absolute);
            done = true;
            syncFolder(dir);
        } catch (BadDataException e) {
            // What the content was made from failed (a bad row in a CSV being predicted for), not the
            // file: that is the message, and the target is as it was.
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        } finally {
            channel.close();
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /*
     * The stages of a write, each a method of its own: the fault-injection test stops a child
     * JVM on entry to each (a debugger's method-entry event) and kills it there.
     */

    private static void writeContent(FileChannel channel, Writer writer) throws IOException {
        // A stream that writes every byte or throws (a full disk is an IOException here, not a short write).
        OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
        writer.write(new FilterOutputStream(buffered) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the writer must not close the file; AtomicFiles does, after syncing it
            }
        });
        buffered.flush();
    }

    private static void syncFile(FileChannel channel) throws IOException {
        channel.force(true);
    }

    private static void rename(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable: on Linux a folder opened for reading can be synced. */
    private static void syncFolder(Path dir) {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a folder; the rename is then as durable as they make it.
        }
    }

    private static String temporaryName(Path target) {
        return "." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(RANDOM.nextLong() >>> 1) + ".tmp";
    }

    /** The message of an I/O failure ("No space left on device"), or its kind when it has none. */
    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Deletes the temporary files that writes of {@code target} left when their process was killed:
     * those named after it whose process is no longer running. Returns what it deleted.
     */
    public static List<Path> removeStaleTemporaries(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        List<Path> removed = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return removed;
        }
        String name = absolute.getFileName().toString();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = TEMPORARY.matcher(file.getFileName().toString());
                if (m.matches() && m.group(1).equals(name) && !running(Long.parseLong(m.group(2)))
                        && Files.deleteIfExists(file)) {
                    removed.add(file);
                }
            }
        }
        return removed;
    }

    private static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
