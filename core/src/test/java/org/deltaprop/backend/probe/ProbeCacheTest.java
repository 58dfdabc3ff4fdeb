package org.deltaprop.backend.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache file: what goes in comes out under the same key only, and a bad file is never fatal. */
class ProbeCacheTest {

    private static final ProbeKey KEY = new ProbeKey("AMD EPYC", 2, "OpenJDK 64-Bit Server VM 25.0.3+9-LTS",
            List.of("scalar: reference loops", "simd: Vector API, 512-bit floats (16 lanes), 2 threads",
                    "opencl: #0 pthread | OpenCL platform PoCL 3.1"), "784-256-128-10 [relu, relu, softmax], loss cce; "
            + "batch 128; adam");
    private static final ProbeCache.Entry ENTRY = new ProbeCache.Entry(KEY, "2026-12-02T23:50:00Z", 4690, "simd",
            List.of(new Timing("simd", 3123.5, 0.921, 812, true), new Timing("opencl", 640, 4.5, 300, false),
                    new Timing("scalar", 20, 81.9, 12, true)));

    @TempDir
    Path dir;

    @Test
    void anEntryComesBackAsItWentIn() {
        Path file = dir.resolve("sub/folder/probes.json");
        ProbeCache.at(file).store(ENTRY);
        assertTrue(Files.isRegularFile(file), "the folders are made");
        assertEquals(Optional.of(ENTRY), ProbeCache.at(file).lookup(KEY));
        assertEquals(1, ProbeCache.at(file).entries().size());
    }

    @Test
    void anyChangeOfMachineOrShapeMissesAndAStoreReplacesOnlyItsOwnKey() {
        Path file = dir.resolve("probes.json");
        ProbeCache cache = ProbeCache.at(file);
        cache.store(ENTRY);
        List<UnaryOperator<ProbeKey>> changes = List.of(
                k -> new ProbeKey("Intel Xeon", k.cores(), k.jdk(), k.backends(), k.shape()),
                k -> new ProbeKey(k.cpu(), 16, k.jdk(), k.backends(), k.shape()),
                k -> new ProbeKey(k.cpu(), k.cores(), "OpenJDK 64-Bit Server VM 21.0.5", k.backends(), k.shape()),
                k -> new ProbeKey(k.cpu(), k.cores(), k.jdk(), List.of("scalar: reference loops",
                        "simd: Vector API, 512-bit floats (16 lanes), 2 threads",
                        "opencl: #0 pthread | OpenCL platform PoCL 6.0"), k.shape()),
                k -> new ProbeKey(k.cpu(), k.cores(), k.jdk(), List.of("scalar: reference loops",
                        "simd: Vector API, 512-bit floats (16 lanes), 1 threads",
                        "opencl: #0 pthread | OpenCL platform PoCL 3.1"), k.shape()),
                k -> new ProbeKey(k.cpu(), k.cores(), k.jdk(), k.backends(), k.shape().replace("batch 128", "batch 64")),
                k -> new ProbeKey(k.cpu(), k.cores(), k.jdk(), k.backends(), k.shape().replace("relu, relu", "tanh, relu")));
        for (UnaryOperator<ProbeKey> change : changes) {
            ProbeKey other = change.apply(KEY);
            assertEquals(Optional.empty(), cache.lookup(other), other.toString());
            ProbeCache.Entry theirs = new ProbeCache.Entry(other, "2026-12-03T00:00:00Z", 10, "scalar",
                    List.of(new Timing("scalar", 1, 1, 1, true)));
            cache.store(theirs);
            assertEquals(Optional.of(theirs), cache.lookup(other));
            assertEquals(Optional.of(ENTRY), cache.lookup(KEY), "another key's entry leaves this one");
        }
        ProbeCache.Entry again = new ProbeCache.Entry(KEY, "2026-12-03T01:00:00Z", 5, "opencl",
                List.of(new Timing("opencl", 1, 1, 1, true)));
        cache.store(again);
        assertEquals(Optional.of(again), cache.lookup(KEY));
        assertEquals(changes.size() + 1, cache.entries().size());
    }

    @Test
    void onlyTheLatestEntriesAreKept() {
        ProbeCache cache = ProbeCache.at(dir.resolve("probes.json"));
        for (int i = 0; i < ProbeCache.MOST_ENTRIES + 5; i++) {
            cache.store(new ProbeCache.Entry(new ProbeKey("cpu", 1, "jdk", List.of(), "shape " + i), "t", 1, "scalar",
                    List.of(new Timing("scalar", 1, 1, 1, true))));
        }
        List<ProbeCache.Entry> entries = cache.entries();
        assertEquals(ProbeCache.MOST_ENTRIES, entries.size());
        assertEquals("shape 5", entries.getFirst().key().shape());
        assertEquals("shape " + (ProbeCache.MOST_ENTRIES + 4), entries.getLast().key().shape());
    }

    @Test
    void aCorruptFileIsIgnoredAndRewritten() throws IOException {
        Path file = dir.resolve("probes.json");
        ProbeCache.at(file).store(ENTRY);
        String good = Files.readString(file);
        List<String> corrupt = List.of("", "{", "not json at all", "[1, 2]", "{\"version\": 1}",
                "{\"version\": 2, \"entries\": []}", "{\"version\": 1, \"entries\": [null]}",
                "{\"version\": 1, \"entries\": [{\"chosen\": \"simd\"}]}",
                good.replace("\"stepMillis\": 0.921", "\"stepMillis\": -3"),
                good.replace("\"chosen\": \"simd\"", "\"chosen\": \"gpu\""),
                good.substring(0, good.length() / 2),
                "\u0000\u00ff\u00fe binary");
        for (String text : corrupt) {
            Files.writeString(file, text);
            ProbeCache cache = ProbeCache.at(file);
            assertEquals(Optional.empty(), cache.lookup(KEY), text);
            cache.store(ENTRY);
            assertEquals(Optional.of(ENTRY), ProbeCache.at(file).lookup(KEY), "rewritten after: " + text);
        }
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyWarns() throws IOException {
        Path blocker = dir.resolve("a-file");
        Files.writeString(blocker, "in the way");
        ProbeCache cache = ProbeCache.at(blocker.resolve("probes.json"));      // its folder is a file
        cache.store(ENTRY);
        assertEquals(Optional.empty(), cache.lookup(KEY));
        Path folder = dir.resolve("a-folder");
        Files.createDirectory(folder);
        ProbeCache.at(folder).store(ENTRY);                                       // the file is a folder
        assertEquals(Optional.empty(), ProbeCache.at(folder).lookup(KEY));
    }

    @Test
    void thePropertyComesBeforeTheEnvironmentBeforeTheDefaultAndOffTurnsItOff() {
        assertEquals(Optional.of(Path.of("/p/probes.json")),
                ProbeCache.configured("/p/probes.json", "/e/probes.json", "/home/u").file());
        assertEquals(Optional.of(Path.of("/e/probes.json")),
                ProbeCache.configured(null, "/e/probes.json", "/home/u").file());
        assertEquals(Optional.of(Path.of("/e/probes.json")),
                ProbeCache.configured(" ", "/e/probes.json", "/home/u").file());
        assertEquals(Optional.of(Path.of("/home/u/.cache/deltaprop/backend-probes.json")),
                ProbeCache.configured(null, null, "/home/u").file());
        assertEquals(Optional.empty(), ProbeCache.configured("off", "/e/probes.json", "/home/u").file());
        assertEquals(Optional.empty(), ProbeCache.configured(null, " OFF ", "/home/u").file());
        assertEquals(Optional.of(Path.of("/p/probes.json")), ProbeCache.configured("/p/probes.json", "off", "/h").file());
    }

    @Test
    void anOffCacheNeitherReadsNorWrites() throws IOException {
        ProbeCache off = ProbeCache.off();
        off.store(ENTRY);
        assertEquals(Optional.empty(), off.lookup(KEY));
        try (var files = Files.list(dir)) {
            assertFalse(files.findAny().isPresent());
        }
    }

    @Test
    void theTestsRunWithTheUsersCacheOff() {
        // The build sets it for every test JVM, so that no test reads or writes ~/.cache.
        assertEquals(Optional.empty(), ProbeCache.configured().file(),
                "surefire should set " + ProbeCache.ENVIRONMENT + "=off");
    }
}
