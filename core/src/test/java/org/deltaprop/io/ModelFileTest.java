package org.deltaprop.io;

import org.deltaprop.data.BadDataException;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {

    @TempDir
    Path dir;

    private static final Architecture ARCH = Architecture.of("5-4-3", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.genericSigmoid(1.7, 0.5, 0.1, -0.2), Activation.SOFTMAX);

    private Path saved() throws IOException {
        Path file = dir.resolve("m.safetensors");
        ModelFile.write(file, new Model(Network.initialize(ARCH, 3), Scaling.divideBy(255), 3));
        return file;
    }

    @Test
    void roundTripsWithPyTorchNames() throws IOException {
        Path file = saved();
        Model back = ModelFile.read(file);
        assertTrue(back.network().sameWeights(Network.initialize(ARCH, 3)));
        assertEquals(Scaling.divideBy(255), back.scaling());
        assertEquals(3, back.classes());
        SafeTensors.Contents raw = SafeTensors.read(file);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(raw.tensors().keySet()));
        assertArrayEquals(new long[] {4, 5}, raw.tensors().get("0.weight").shape());
        // The header is JSON padded to 8 bytes, so the data starts aligned.
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
    }

    /** Names and the target scaling survive the file; a file with scaled targets has a format older readers refuse. */
    @Test
    void namesAndTargetScalingRoundTrip() throws IOException {
        Architecture regression = Architecture.of("2-3-1", Loss.HALF_SUM_OF_SQUARES, Activation.TANH,
                Activation.IDENTITY);
        Scaling targets = Scaling.standardize(new double[] {150}, new double[] {75});
        Path file = dir.resolve("r.safetensors");
        ModelFile.write(file, new Model(Network.initialize(regression, 1), Scaling.NONE, 0, targets,
                List.of("bmi", "age, in years"), List.of(), List.of("progression")));
        Model back = ModelFile.read(file);
        assertEquals(targets, back.targetScaling());
        assertEquals(List.of("bmi", "age, in years"), back.featureNames());
        assertEquals(List.of("progression"), back.targetNames());
        assertEquals("progression", back.targetName(0));
        assertEquals(ModelFile.FORMAT_WITH_TARGET_SCALING, SafeTensors.read(file).metadata().get("format"));

        Path classes = dir.resolve("c.safetensors");
        ModelFile.write(classes, new Model(Network.initialize(ARCH, 3), Scaling.NONE, 3, Scaling.NONE, List.of(),
                List.of("setosa", "versicolor", "virginica"), List.of()));
        Model named = ModelFile.read(classes);
        assertEquals(List.of(), named.targetNames(), "a model without target_names (as before they were stored)");
        assertEquals(List.of("setosa", "versicolor", "virginica"), named.classNames());
        assertEquals("virginica", named.className(2));
        assertEquals("2", ModelFile.read(saved()).className(2), "without names, the number");
        assertEquals(ModelFile.FORMAT, SafeTensors.read(classes).metadata().get("format"));
    }

    /**
     * Dropout is a parameter-free module index, as in nn.Sequential(Linear, ReLU, Dropout, Linear,
     * Tanh, Linear): the Linears sit at 0, 3 and 5.
     */
    @Test
    void dropoutTakesAModuleIndexAndRoundTrips() throws IOException {
        Architecture arch = new Architecture(6, List.of(Layer.dense(8, Activation.RELU), Layer.dropout(0.25),
                Layer.dense(5, Activation.TANH), Layer.dense(3, Activation.SOFTMAX)), Loss.CATEGORICAL_CROSS_ENTROPY);
        Path file = dir.resolve("d.safetensors");
        Network network = Network.initialize(arch, 4);
        ModelFile.write(file, new Model(network, Scaling.NONE, 3));
        SafeTensors.Contents raw = SafeTensors.read(file);
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "5.weight", "5.bias"),
                List.copyOf(raw.tensors().keySet()));
        assertEquals(ModelFile.FORMAT_WITH_DROPOUT, raw.metadata().get("format"));
        assertEquals("0.25;0.0", raw.metadata().get("dropout"));
        Model back = ModelFile.read(file);
        assertEquals(arch, back.network().architecture());
        assertTrue(back.network().sameWeights(network));
        // Without dropout the file stays in the first format, which older readers take.
        assertEquals(ModelFile.FORMAT, SafeTensors.read(saved()).metadata().get("format"));
    }

    @Test
    void truncatedFileIsCorrupt() throws IOException {
        Path file = saved();
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length - 7));
        BadDataException e = assertThrows(BadDataException.class, () -> ModelFile.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": is not a usable model file"), e.getMessage());
        Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        e = assertThrows(BadDataException.class, () -> ModelFile.read(tiny));
        assertTrue(e.getMessage().contains("shorter than a safetensors header"), e.getMessage());
    }

    @Test
    void garbageHeaderIsCorrupt() throws IOException {
        Path junk = Files.write(dir.resolve("junk.safetensors"), "this is not a model at all, no".getBytes(StandardCharsets.UTF_8));
        BadDataException e = assertThrows(BadDataException.class, () -> ModelFile.read(junk));
        assertTrue(e.getMessage().contains("header length field"), e.getMessage());
        byte[] bytes = Files.readAllBytes(saved());
        bytes[8] = '[';  // break the JSON
        Path broken = Files.write(dir.resolve("broken.safetensors"), bytes);
        e = assertThrows(BadDataException.class, () -> ModelFile.read(broken));
        assertTrue(e.getMessage().contains("not valid JSON") || e.getMessage().contains("not a JSON object"),
                e.getMessage());
    }

    /** A shape whose product overflows a long (2⁶² × 4 wraps to 0) is corrupt, not an empty tensor. */
    @Test
    void shapeOverflowingALongIsCorrupt() throws IOException {
        byte[] header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}"
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        Path wrapped = Files.write(dir.resolve("wrapped.safetensors"), file.array());
        BadDataException e = assertThrows(BadDataException.class, () -> SafeTensors.read(wrapped));
        assertTrue(e.getMessage().contains("header entry t is malformed"), e.getMessage());
    }

    /**
     * A header value nested 10⁴ or 10⁶ deep is refused by the nesting limit, with a short message:
     * Gson's tree of it would overflow the stack (StackOverflowError) when printed into a message.
     */
    @Test
    void deeplyNestedHeaderIsCorruptWithAShortMessage() throws IOException {
        for (int depth : new int[] {10_000, 1_000_000}) {
            for (String key : new String[] {"__metadata__", "0.weight"}) {
                String json = "{\"" + key + "\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                byte[] header = json.getBytes(StandardCharsets.UTF_8);
                ByteBuffer file = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                file.putLong(header.length).put(header);
                Path nested = Files.write(dir.resolve("nested.safetensors"), file.array());
                BadDataException e = assertThrows(BadDataException.class, () -> ModelFile.read(nested));
                assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().length() < 500,
                        depth + " deep under " + key + ": " + e.getMessage());
            }
        }
    }

    @Test
    void missingOrMisshapenTensorsAndNaNWeightsAreRejected() throws IOException {
        Path file = dir.resolve("odd.safetensors");
        Map<String, String> meta = Map.of("format", ModelFile.FORMAT, "sizes", "5-4-3",
                "activations", "tanh;softmax", "loss", "cce", "classes", "3", "scaling", Scaling.NONE.toJson());
        SafeTensors.write(file, meta, List.of(new SafeTensors.Tensor("0.weight", new long[] {4, 5}, new float[20])));
        BadDataException e = assertThrows(BadDataException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().contains("lacks tensor 0.bias"), e.getMessage());
        float[] w = new float[20];
        w[3] = Float.NaN;
        SafeTensors.write(file, meta, List.of(new SafeTensors.Tensor("0.weight", new long[] {4, 5}, w),
                new SafeTensors.Tensor("0.bias", new long[] {4}, new float[4]),
                new SafeTensors.Tensor("2.weight", new long[] {3, 4}, new float[12]),
                new SafeTensors.Tensor("2.bias", new long[] {3}, new float[3])));
        e = assertThrows(BadDataException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().contains("tensor 0.weight contains NaN"), e.getMessage());
        SafeTensors.write(file, meta, List.of(new SafeTensors.Tensor("0.weight", new long[] {5, 4}, new float[20])));
        e = assertThrows(BadDataException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().contains("has shape [5, 4] but the architecture needs [4, 5]"), e.getMessage());
        SafeTensors.write(file, Map.of("format", "something-else"), List.of());
        e = assertThrows(BadDataException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().contains("not a Deltaprop model"), e.getMessage());
    }

    @Test
    void failedWriteKeepsTheOldFile() throws IOException {
        Path file = saved();
        byte[] before = Files.readAllBytes(file);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full");
        }));
        assertEquals("cannot write " + file + ": disk full", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var listing = Files.list(dir)) {
            assertFalse(listing.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp file left behind");
        }
    }
}
