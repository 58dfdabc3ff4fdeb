package org.deltaprop.cli;

import com.google.gson.Gson;
import me.tongfei.progressbar.ProgressBar;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.ChildJvm;
import org.deltaprop.backend.DeviceMemory;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.data.Scaling;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.Training;
import org.deltaprop.train.TrainingRun;
import org.junit.jupiter.api.BeforeEach;
import org.knowm.xchart.XYChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options and system properties are checked like flags, and requests past a limit are refused up front. */
class LimitsAndOptionsTest {

    @TempDir
    Path dir;

    private Path data;

    @BeforeEach
    void data() throws IOException {
        SplittableRandom random = new SplittableRandom(2);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%d%n", random.nextGaussian() + i % 2,
                    random.nextGaussian(), i % 2));
        }
        data = Files.writeString(dir.resolve("d.csv"), csv);
    }

    private Cli train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(), "--epochs", "1",
                "--backend", "scalar", "--test", "none", "--curve", "none", "-o", dir.resolve("m.safetensors").toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void assertRefused(Cli r, String expected) {
        assertTrue(r.status() != 0, r.toString());
        assertTrue(r.err().contains(expected), r.toString());
        assertFalse(r.out().contains("epoch"), "training started: " + r);
    }

    @Test
    void threadCountsAreCheckedFromTheFlagAndTheProperty() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertRefused(train("--threads", Integer.toString(cores + 1), "--hidden", "4"),
                "--threads " + (cores + 1) + ": give a thread count from 1 to " + cores);
        String old = System.getProperty("deltaprop.threads");
        try {
            System.setProperty("deltaprop.threads", "abc");
            assertRefused(train("--hidden", "4"), "-Ddeltaprop.threads=abc: not a number");
        } finally {
            if (old == null) {
                System.clearProperty("deltaprop.threads");
            } else {
                System.setProperty("deltaprop.threads", old);
            }
        }
    }

    @Test
    void validationTakesARowCountOrAFractionBelowOne() {
        assertRefused(train("--validation", "1.0", "--hidden", "4"),
                "give a row count (e.g. 1000) or a fraction of the rows from 0 to below 1");
        assertRefused(train("--validation", "-0.1", "--hidden", "4"), "--validation '-0.1': give a row count");
        assertRefused(train("--validation", "40", "--hidden", "4"), "--validation 40 does not leave training rows out of 40");
        Cli one = train("--validation", "1", "--hidden", "4");
        assertEquals(0, one.status(), one.toString());
        assertTrue(one.out().contains("39 training rows, 1 validation"), one.out());
    }

    @Test
    void aGenericSigmoidKeepsItsCommas() throws IOException {
        Cli r = train("--hidden", "4,3", "--activation", "gsigmoid(1.5,0.5,0,0),tanh");
        assertEquals(0, r.status(), r.toString());
        var arch = ModelFile.read(dir.resolve("m.safetensors")).network().architecture();
        assertTrue(arch.activation(1).toString().startsWith("gsigmoid(1.5"), arch.activation(1).toString());
        assertEquals("tanh", arch.activation(2).toString());
    }

    @Test
    void layersTooLargeForAnArrayOrTheHeapAreRefusedWithWhatTheyNeed() {
        assertRefused(train("--hidden", "100000,100000"), "layer 2: 100,000 × 100,000 = 10,000,000,000 weights");
        // Layers of 46,000 (2.1·10⁹ weights each, within an array) in a number that outgrows this JVM's heap.
        long perLayer = 46_000L * 46_000 * Float.BYTES * Training.PARAMETER_COPIES;
        int layers = (int) (Runtime.getRuntime().maxMemory() / perLayer) + 2;
        Cli r = train("--hidden", String.join(",", Collections.nCopies(layers, "46000")));
        assertRefused(r, "MB of heap");
        assertTrue(r.err().contains("DELTAPROP_JAVA_OPTS=-Xmx"), r.err());
    }

    /** What {@code deltaprop args} prints in a child JVM with a heap of {@code heapMb}; asserts exit 1 and no stack trace. */
    private static String refusedInAHeapOf(int heapMb, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMb + "m", "-cp", ChildJvm.classPath(List.of(Main.class, TrainingRun.class, CommandLine.class,
                        Gson.class, ProgressBar.class, XYChart.class)), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), output);
        assertFalse(output.contains("\tat "), "a stack trace: " + output);
        return output;
    }

    @Test
    void dataTooLargeForTheHeapPointsAtConvert() throws Exception {
        // 3,200,000 values: 12.8 MB of floats, read whole into a heap of 16 MB in arrays that double as they fill.
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            csv.append("0.5,".repeat(19)).append(i % 2).append('\n');
        }
        Path big = Files.writeString(dir.resolve("big.csv"), csv.toString().repeat(8));
        String output = refusedInAHeapOf(16, "train", "--train", big.toString(), "--hidden", "4", "--backend", "scalar",
                "-o", dir.resolve("big.safetensors").toString());
        assertTrue(output.contains("is too large to read into memory") && output.contains("deltaprop convert"), output);
    }

    @Test
    void aCsvWhoseSizeCannotFitTheHeapIsRefusedBeforeReading() throws Exception {
        // 250,000 rows of 20 one-digit values, 40 bytes each: 5,000,000 values, 20 MB as floats, in a heap of 16 MB.
        int rows = 250_000;
        Path big = Files.writeString(dir.resolve("big.csv"), ("0,".repeat(19) + "1\n").repeat(rows));
        Path model = dir.resolve("big.safetensors");
        String output = refusedInAHeapOf(16, "train", "--train", big.toString(), "--hidden", "4", "--backend",
                "scalar", "-o", model.toString());
        assertTrue(output.contains(String.format(Locale.ROOT, "big.csv: is too large to read into memory: its %,d bytes, "
                + "at the 40 bytes a row of its start, hold about %,d rows, %,d MB as 4-byte values", 40L * rows, rows,
                (rows * 20L * Float.BYTES) >> 20)), output);
        assertTrue(output.contains("deltaprop convert big.csv -o STORE"), output);
        assertFalse(Files.exists(model));
    }

    @Test
    void dataThatFitsTheHeapButNotBesideTheNetworkIsCountedAndPointsAtConvert() throws Exception {
        // IDX, read into one array of the size its header gives: data of 30% of the heap, read whole, and a network
        // whose training needs 80% of it. Either fits alone; the two together do not.
        int heapMb = 128;
        int features = 100;
        int rows = (int) (0.3 * (heapMb << 20) / Float.BYTES / features);
        int hidden = (int) (0.8 * (heapMb << 20) / Float.BYTES / Training.PARAMETER_COPIES / (features + 1 + 10));
        ByteBuffer images = ByteBuffer.allocate(16 + rows * features).putInt(0x0803).putInt(rows).putInt(10).putInt(10);
        ByteBuffer labels = ByteBuffer.allocate(8 + rows).putInt(0x0801).putInt(rows);
        for (int r = 0; r < rows; r++) {
            labels.put((byte) (r % 10));
        }
        Path imageFile = Files.write(dir.resolve("big-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve("big-labels-idx1-ubyte"), labels.array());
        String output = refusedInAHeapOf(heapMb, "train", "--train", imageFile.toString(), "--hidden",
                Integer.toString(hidden), "--backend", "scalar", "-o", dir.resolve("big.safetensors").toString());
        assertTrue(output.contains(String.format(Locale.ROOT, "beside the %,d MB the data read into memory takes",
                ((long) rows * (features + 1) * Float.BYTES) >> 20)), output);
        assertTrue(output.contains("convert the data to a store (deltaprop convert"), output);
        assertTrue(output.contains("DELTAPROP_JAVA_OPTS=-Xmx"), output);
    }

    /**
     * The heap check counts the parameters' copies and the data, not the batch's activations, which a
     * CPU backend holds on the heap: batches wider than the heap end in Main's out-of-memory message.
     */
    @Test
    void runningOutOfHeapIsOneLineSayingHowToRaiseIt() throws Exception {
        int heapMb = 32;
        int rows = 1000;
        // Sʰ, Xʰ and δʰ of one batch of all the rows: each half the heap.
        int hidden = (heapMb << 20) / 2 / Float.BYTES / rows;
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            csv.append(r % 7).append(',').append(r % 2).append('\n');
        }
        Path small = Files.writeString(dir.resolve("small.csv"), csv);
        Path model = dir.resolve("wide.safetensors");
        String output = refusedInAHeapOf(heapMb, "train", "--train", small.toString(), "--hidden",
                Integer.toString(hidden), "--batch", Integer.toString(rows), "--epochs", "1", "--test", "none",
                "--backend", "scalar", "-o", model.toString());
        assertTrue(output.contains("deltaprop: error: out of memory: the Java heap (at most "), output);
        assertTrue(output.contains("Raise it with DELTAPROP_JAVA_OPTS=-Xmx<size>"), output);
        assertFalse(Files.exists(model));
    }

    /**
     * eval evaluates in batches of 1024 rows: a model with inputs enough that one batch of them is
     * one buffer more than the OpenCL device allows is refused before allocating, with the limits the
     * device reports.
     */
    @Test
    void evalOnADeviceTooSmallForItsBatchesIsRefusedWithTheDevicesLimits() throws IOException {
        DeviceMemory limits;
        try (Backend device = TestBackends.open("opencl")) {
            limits = device.deviceMemory().orElseThrow();
        }
        int inputs = (int) (limits.maxBufferBytes() / Float.BYTES / 1024) + 1;
        Architecture arch = Architecture.of(inputs + "-2", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX);
        Path model = dir.resolve("wide.safetensors");
        ModelFile.write(model, new Model(Network.initialize(arch, 1), Scaling.NONE, 2));
        Path row = Files.writeString(dir.resolve("row.csv"), "0,".repeat(inputs) + "1\n");
        Cli r = Cli.run("eval", "-m", model.toString(), "--data", row.toString(), "--backend", "opencl");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("deltaprop eval: error: device memory is too small: the network " + arch.sizes()
                + " with batches of 1,024 rows"), r.err());
        assertTrue(r.err().contains(String.format(Locale.ROOT, "of global memory and allows %,d MB in one buffer",
                (limits.maxBufferBytes() + (1 << 20) - 1) >> 20)), r.err());
    }

    /**
     * train on OpenCL with batches whose activations of a wide layer take more than the device
     * allows in one buffer: refused before allocating, with train's options for the fix.
     */
    @Test
    void trainingBatchesTooLargeForTheDeviceAreRefusedWithTheOptionsToChange() throws IOException {
        DeviceMemory limits;
        try (Backend device = TestBackends.open("opencl")) {
            limits = device.deviceMemory().orElseThrow();
        }
        int hidden = 100_000;
        int rows = (int) (Math.min(limits.maxBufferBytes() / Float.BYTES, Integer.MAX_VALUE) / hidden) + 1;
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            csv.append(r % 7).append(',').append(r % 2).append('\n');
        }
        Path small = Files.writeString(dir.resolve("narrow.csv"), csv);
        Path model = dir.resolve("wide.safetensors");
        Cli r = Cli.run("train", "--train", small.toString(), "--hidden", Integer.toString(hidden), "--batch",
                Integer.toString(rows), "--epochs", "1", "--test", "none", "--curve", "none", "--backend", "opencl",
                "-o", model.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("deltaprop train: error: the device is too small: the network 1-" + hidden
                + "-2 with batches of " + String.format(Locale.ROOT, "%,d", rows) + " rows"), r.err());
        assertTrue(r.err().contains(String.format(Locale.ROOT, "allows %,d MB in one buffer",
                (limits.maxBufferBytes() + (1 << 20) - 1) >> 20)), r.err());
        assertTrue(r.err().strip().endsWith(": --batch, --hidden, or --backend simd"), r.err());
        assertFalse(Files.exists(model));
    }
    /**
     * --resident: a value it does not know is refused; on and off reach the trainer, which on
     * OpenCL says in one line whether the data is held on the device or streamed.
     */
    @Test
    void residentOptionChoosesWhereTheTrainingDataLives() throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < 64; r++) {
            csv.append(r % 7).append(',').append(r % 5).append(',').append(r % 2).append('\n');
        }
        Path data = Files.writeString(dir.resolve("small.csv"), csv);
        Path model = dir.resolve("m.safetensors");
        Cli bad = Cli.run("train", "--train", data.toString(), "--resident", "always", "--backend", "scalar",
                "-o", model.toString());
        assertEquals(1, bad.status(), bad.toString());
        assertTrue(bad.err().contains("--resident always: give auto, on or off"), bad.err());
        TestBackends.open("opencl").close();
        try {
            for (String mode : new String[] {"on", "off"}) {
                Cli r = Cli.run("train", "--train", data.toString(), "--epochs", "2", "--test", "none", "--curve",
                        "none", "--backend", "opencl", "--resident", mode, "-o", model.toString());
                assertEquals(0, r.status(), r.toString());
                String line = mode.equals("on") ? "training data resident on the device: 64 rows"
                        : "training data streamed: each batch uploaded per step, 64 rows (-Ddeltaprop.resident=off)";
                assertTrue(r.err().contains(line), r.toString());
            }
        } finally {
            System.clearProperty("deltaprop.resident");
        }
    }
}
