package org.deltaprop.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The write path's promises, one failure at a time: a full disk, a failed rename, a killed writer, permissions. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFailedRenameNamesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        // A folder appearing at the target while the content is written: the rename over it fails.
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[10]);
            Files.createDirectories(target.resolve("inside"));
        }));
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": "), e.getMessage());
        assertEquals(List.of(), temporaryFiles());
    }

    @Test
    void theFileGetsThePermissionsOfAnyNewFileTheUmaskAllows() throws IOException {
        Path target = dir.resolve("predictions.csv");
        AtomicFiles.write(target, out -> out.write("class\n".getBytes()));
        Path plain = Files.createFile(dir.resolve("plain.csv"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
        assertArrayEquals("class\n".getBytes(), Files.readAllBytes(target));
    }

    @Test
    void temporaryFilesOfDeadProcessesAreRemovedAndThoseOfLiveOnesKept() throws Exception {
        Path target = dir.resolve("model.safetensors");
        Process finished = new ProcessBuilder("true").start();
        assertTrue(finished.waitFor(30, TimeUnit.SECONDS));
        Path stale = Files.createFile(dir.resolve(".model.safetensors." + finished.pid() + "-1f.tmp"));
        Path live = Files.createFile(dir.resolve(".model.safetensors." + ProcessHandle.current().pid() + "-2e.tmp"));
        Path other = Files.createFile(dir.resolve(".other.safetensors." + finished.pid() + "-3d.tmp"));
        assertEquals(List.of(stale), AtomicFiles.removeStaleTemporaries(target));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(live) && Files.exists(other));
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
