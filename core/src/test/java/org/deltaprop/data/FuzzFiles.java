package org.deltaprop.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzz inputs as files, since the readers take paths: one folder per JVM, one file per name,
 * rewritten for each input (a new file per input would cost more than most readers take to
 * fail). The folder is in memory ({@code /dev/shm}) where there is one: writing a file there
 * takes about 0.1 ms, on a disk 3 ms, which would hold fuzzing to a few hundred inputs a
 * second. The folder and its files are deleted when the JVM exits normally (one that a finding
 * ends, which libFuzzer does without shutdown hooks, leaves its few kilobytes behind).
 */
public final class FuzzFiles {

    private static final Path DIR = createFolder();
    private static final Set<String> NAMES = new HashSet<>();

    private FuzzFiles() {
    }

    /** Writes {@code content} to the file {@code name} in the fuzz folder and returns its path. */
    public static synchronized Path write(String name, byte[] content) throws IOException {
        Path file = DIR.resolve(name);
        if (NAMES.add(name)) {
            // Registered after the folder, so deleted before it.
            file.toFile().deleteOnExit();
        }
        Files.write(file, content);
        return file;
    }

    /**
     * One input as several files: the parts of {@code input} between occurrences of
     * {@link #SEPARATOR}, at most {@code max} (the last part keeps any further separators).
     */
    public static List<byte[]> parts(byte[] input, int max) {
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int at = 0; at + SEPARATOR.length <= input.length && parts.size() < max - 1; at++) {
            if (Arrays.equals(input, at, at + SEPARATOR.length, SEPARATOR, 0, SEPARATOR.length)) {
                parts.add(Arrays.copyOfRange(input, from, at));
                from = at + SEPARATOR.length;
                at = from - 1;
            }
        }
        parts.add(Arrays.copyOfRange(input, from, input.length));
        return parts;
    }

    /** Between the files of one input ({@link #parts}): a line no reader's seed files contain. */
    public static final byte[] SEPARATOR = "\n%%FILE%%\n".getBytes(StandardCharsets.US_ASCII);

    /** A sub-folder of the fuzz folder, emptied of the files a previous input left. */
    public static synchronized Path folder(String name) throws IOException {
        Path dir = DIR.resolve(name);
        if (NAMES.add(name)) {
            dir.toFile().deleteOnExit();
            Files.createDirectories(dir);
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        return dir;
    }

    private static Path createFolder() {
        try {
            Path memory = Path.of("/dev/shm");
            Path dir = Files.isDirectory(memory) && Files.isWritable(memory)
                    ? Files.createTempDirectory(memory, "deltaprop-fuzz")
                    : Files.createTempDirectory("deltaprop-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
