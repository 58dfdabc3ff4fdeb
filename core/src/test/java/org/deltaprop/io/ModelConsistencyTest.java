package org.deltaprop.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.deltaprop.data.BadDataException;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model file whose parts disagree, or whose bytes changed after saving, is refused with the reason. */
class ModelConsistencyTest {

    @TempDir
    Path dir;

    private static final Architecture ARCH = Architecture.of("3-4-2", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.TANH, Activation.SOFTMAX);

    private Path save(String name, Scaling scaling, int classes) throws IOException {
        Path file = dir.resolve(name);
        ModelFile.write(file, new Model(Network.initialize(ARCH, 7), scaling, classes));
        return file;
    }

    private static String refusal(Path file) {
        return assertThrows(BadDataException.class, () -> ModelFile.read(file)).getMessage();
    }

    @Test
    void classesThatDisagreeWithTheOutputWidthAreRefused() throws IOException {
        String message = refusal(save("m.safetensors", Scaling.NONE, 3));
        assertTrue(message.contains("says 3 classes but its network 3-4-2 has 2 outputs"), message);
        assertEquals(2, ModelFile.read(save("ok.safetensors", Scaling.NONE, 2)).classes());
        assertEquals(0, ModelFile.read(save("regression.safetensors", Scaling.NONE, 0)).classes());
    }

    @Test
    void scalingOfTheWrongLengthOrWithNonFiniteValuesIsRefused() throws IOException {
        String message = refusal(save("short.safetensors",
                Scaling.standardize(new double[] {0, 1}, new double[] {1, 1}), 2));
        assertTrue(message.contains("scaling does not fit its network 3-4-2 of 3 inputs"), message);
        for (String bad : List.of("Infinity", "NaN")) {
            Path file = save("bad.safetensors", Scaling.standardize(new double[] {0, 1, 2}, new double[] {1, 1, 1}), 2);
            rewriteMetadata(file, "scaling", json -> json.replaceFirst("\"mean\":\\[0\\.0", "\"mean\":[" + bad));
            message = refusal(file);
            assertTrue(message.contains("feature 0 has mean " + bad) && message.contains("must be finite"), message);
        }
    }

    @Test
    void implausiblyLargeWeightsAreRefused() throws IOException {
        Network network = Network.initialize(ARCH, 7);
        float[] w = network.weights(2).clone();
        w[5] = 3e38f;
        Network huge = Network.of(ARCH, new float[][] {network.weights(1), w},
                new float[][] {network.bias(1), network.bias(2)});
        Path file = dir.resolve("huge.safetensors");
        ModelFile.write(file, new Model(huge, Scaling.NONE, 2));
        String message = refusal(file);
        assertTrue(message.contains("tensor 2.weight holds 3.0E38 at index 5"), message);
    }

    @Test
    void aFlippedBitInTheTensorDataFailsTheChecksum() throws IOException {
        Path file = save("m.safetensors", Scaling.NONE, 2);
        assertTrue(SafeTensors.read(file).metadata().get(SafeTensors.SHA256).matches("[0-9a-f]{64}"));
        byte[] bytes = Files.readAllBytes(file);
        // The last byte holds the sign and high exponent bits of the last bias: a flip there moves
        // the value by a factor or sign, which every other check would let through.
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
        String message = refusal(file);
        assertTrue(message.contains("tensor data has SHA-256") && message.contains("restore the file"), message);
    }

    @Test
    void filesWrittenBeforeTheChecksumStillLoad() throws IOException {
        Path file = save("m.safetensors", Scaling.NONE, 2);
        Model original = ModelFile.read(file);
        rewriteMetadata(file, SafeTensors.SHA256, value -> null);
        assertTrue(!SafeTensors.read(file).metadata().containsKey(SafeTensors.SHA256));
        assertTrue(ModelFile.read(file).network().sameWeights(original.network()));
    }

    /** Rewrites one metadata value in place (null: removes it), keeping the tensors' bytes. */
    private static void rewriteMetadata(Path file, String key, java.util.function.UnaryOperator<String> change)
            throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonObject meta = header.getAsJsonObject("__metadata__");
        Map<String, String> values = new LinkedHashMap<>();
        meta.entrySet().forEach(e -> values.put(e.getKey(), e.getValue().getAsString()));
        String changed = change.apply(values.get(key));
        meta.remove(key);
        if (changed != null) {
            meta.addProperty(key, changed);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + bytes.length - 8 - (int) headerLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.position() < 8 + padded) {
            out.put((byte) ' ');
        }
        out.put(bytes, 8 + (int) headerLength, bytes.length - 8 - (int) headerLength);
        Files.write(file, out.array());
    }
}
