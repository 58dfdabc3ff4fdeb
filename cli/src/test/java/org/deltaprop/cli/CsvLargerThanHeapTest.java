package org.deltaprop.cli;

import org.deltaprop.data.Scaling;
import org.deltaprop.data.store.StoreDataset;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * convert, eval and predict stream: a CSV whose values alone, as floats, take more than the heap
 * is converted, evaluated and predicted for in a JVM limited to that heap, where reading it into
 * memory could not even hold the floats.
 */
class CsvLargerThanHeapTest {

    private static final int HEAP_MB = 16;
    private static final int ROWS = 70_000;
    private static final int FEATURES = 80;

    @TempDir
    static Path dir;

    private static Path csv;

    @BeforeAll
    static void writeCsv() throws IOException {
        assertTrue((long) ROWS * FEATURES * Float.BYTES > HEAP_MB << 20, "the floats alone exceed the heap");
        csv = dir.resolve("big.csv");
        SplittableRandom random = new SplittableRandom(1);
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            for (int r = 0; r < ROWS; r++) {
                for (int j = 0; j < FEATURES; j++) {
                    w.write(Integer.toString(random.nextInt(256)));
                    w.write(',');
                }
                w.write(Integer.toString(r % 10));
                w.write('\n');
            }
        }
    }

    /** Runs the deltaprop command in a child JVM with a 16 MB heap; returns what it printed. */
    private static String run(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + HEAP_MB + "m",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static Path model() throws IOException {
        Path file = dir.resolve("model.safetensors");
        if (!Files.exists(file)) {
            Architecture arch = Architecture.of(FEATURES + "-16-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                    Activation.SOFTMAX);
            ModelFile.write(file, new Model(Network.initialize(arch, 1), Scaling.divideBy(255), 10));
        }
        return file;
    }

    @Test
    void convertsInAHeapTooSmallForItsValues() throws IOException, InterruptedException {
        String output = run("convert", csv.toString(), "-o", dir.resolve("store").toString(), "--dtype", "uint8",
                "--rows-per-shard", "30000");
        assertTrue(output.contains("70,000 rows of 80 uint8 features, 10 classes, 3 shards"), output);
        StoreDataset store = StoreDataset.open(dir.resolve("store"), null, 0);
        assertEquals(ROWS, store.size());
        assertEquals(10, store.classes());
    }

    @Test
    void evaluatesInAHeapTooSmallForItsValues() throws IOException, InterruptedException {
        String output = run("eval", "-m", model().toString(), "--data", csv.toString(), "--backend", "scalar");
        assertTrue(output.contains(": 70000 rows, loss "), output);
        assertTrue(output.contains("accuracy "), output);
    }

    @Test
    void predictsInAHeapTooSmallForItsValues() throws IOException, InterruptedException {
        Path out = dir.resolve("predictions.csv");
        run("predict", "-m", model().toString(), "-i", csv.toString(), "--label-column", "81", "-o", out.toString(),
                "--backend", "scalar");
        long lines = 0;
        try (BufferedReader r = Files.newBufferedReader(out)) {
            while (r.readLine() != null) {
                lines++;
            }
        }
        assertEquals(ROWS + 1, lines, "a header and one line per row");
    }
}
