package org.deltaprop.cli;

import org.deltaprop.data.store.StoreDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * convert streams: a CSV whose values alone, as floats, take more than the heap converts in a
 * JVM limited to that heap, where reading it into memory could not even hold the floats.
 */
class ConvertMemoryTest {

    private static final int HEAP_MB = 16;

    @TempDir
    Path dir;

    @Test
    void aCsvLargerThanTheHeapConverts() throws IOException, InterruptedException {
        int rows = 70_000;
        int features = 80;
        assertTrue((long) rows * features * Float.BYTES > HEAP_MB << 20, "the floats alone exceed the heap");
        Path csv = dir.resolve("big.csv");
        SplittableRandom random = new SplittableRandom(1);
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < features; j++) {
                    w.write(Integer.toString(random.nextInt(256)));
                    w.write(',');
                }
                w.write(Integer.toString(r % 10));
                w.write('\n');
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx" + HEAP_MB + "m", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "convert", csv.toString(), "-o",
                dir.resolve("store").toString(), "--dtype", "uint8", "--rows-per-shard", "30000");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("70,000 rows of 80 uint8 features, 10 classes, 3 shards"), output);
        StoreDataset store = StoreDataset.open(dir.resolve("store"), null, 0);
        assertEquals(rows, store.size());
        assertEquals(10, store.classes());
    }
}
