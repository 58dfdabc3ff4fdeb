package org.deltaprop.spark;

import org.deltaprop.cli.Main;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deltaprop-spark train} end to end in the tests' local session: a model the core reads,
 * a run stopped at a checkpoint and resumed that ends with the weights of one never stopped (a
 * constant rate: a cosine schedule runs over the epochs asked for, so a 2-epoch run is not the
 * start of a 3-epoch one), a
 * missing column that fails with one line naming it and writes nothing, options that
 * {@code deltaprop train} refuses refused with its very message, and an activation per layer.
 */
class SparkTrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void aResumedRunEndsWithTheWeightsOfOneNeverStopped() throws Exception {
        LocalSpark.session();
        Path csv = csv(GradientAveragingExactnessTest.blobs(240, 6, 3, 21));
        String[] common = {"--train", csv.toString(), "--partitions", "2", "--hidden", "8", "--batch", "32",
                "--mode", "gradient", "--optimizer", "adam", "--lr", "0.01", "--schedule", "constant"};
        Path whole = dir.resolve("whole.safetensors");
        assertEquals(0, SparkTrainCommand.run(concat(common, "--epochs", "3", "-o", whole.toString())));

        Path first = dir.resolve("first.safetensors");
        Path checkpoint = dir.resolve("run.ckpt.safetensors");
        assertEquals(0, SparkTrainCommand.run(concat(common, "--epochs", "2", "-o", first.toString(),
                "--checkpoint", checkpoint.toString(), "--checkpoint-rounds", "5")));
        Path resumed = dir.resolve("resumed.safetensors");
        assertEquals(0, SparkTrainCommand.run(concat(common, "--epochs", "3", "-o", resumed.toString(),
                "--resume", checkpoint.toString())));

        Model expected = ModelFile.read(whole);
        Model actual = ModelFile.read(resumed);
        assertEquals(3, actual.classes());
        assertEquals(expected.scaling(), actual.scaling());
        for (int h = 1; h <= expected.network().architecture().depth(); h++) {
            assertArrayEquals(expected.network().weights(h), actual.network().weights(h), "W" + h);
        }
        assertFalse(expected.network().sameWeights(ModelFile.read(first).network()),
                "the third epoch should change the weights, or the comparison proves nothing");
    }

    @Test
    void aMissingColumnIsOneLineNamingItAndNothingIsWritten() throws Exception {
        LocalSpark.session();
        Path parquet = dir.resolve("data.parquet");
        LocalSpark.frame(GradientAveragingExactnessTest.blobs(50, 4, 2, 3), 2).write().parquet(parquet.toString());
        Path model = dir.resolve("model.safetensors");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int status;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = SparkTrainCommand.run("train", "--train", parquet.toString(), "--label", "class",
                    "-o", model.toString());
        } finally {
            System.setErr(saved);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, message);
        assertTrue(message.contains("no column 'class'") && message.contains("label"), message);
        assertFalse(message.toLowerCase(Locale.ROOT).contains("exception"), "no stack trace: " + message);
        assertFalse(Files.exists(model));
    }

    /** The options deltaprop train checks, which the two commands share: each one's error, word for word. */
    @ParameterizedTest
    @ValueSource(strings = {"--dropout 1.5", "--lr -1", "--optimizer adam --momentum 0.5", "--batch 0",
            "--batch many", "--epochs 0", "--hidden 0", "--hidden 8,4 --activation relu,tanh,relu",
            "--activation swish", "--scale pixels", "--schedule step", "--reduction max", "--l2 -1"})
    void anOptionDeltapropTrainRefusesIsRefusedWithItsMessage(String options) throws Exception {
        Path csv = csv(GradientAveragingExactnessTest.blobs(60, 4, 3, 5));
        Path cliModel = dir.resolve("cli.safetensors");
        Path sparkModel = dir.resolve("spark.safetensors");
        String[] given = options.split(" ");
        String cli = error(() -> Main.run(concat(given, "--train", csv.toString(), "-o", cliModel.toString(),
                "--curve", "none")), "deltaprop train: error: ");
        String spark = error(() -> SparkTrainCommand.run(concat(given, "--train", csv.toString(), "-o",
                sparkModel.toString())), "deltaprop-spark train: error: ");
        String option = given[given.length - 2];
        String value = given[given.length - 1];
        assertTrue(cli.contains(option) || cli.contains(value), "refused for " + options + ", not another reason: " + cli);
        assertEquals(cli, spark);
        assertFalse(Files.exists(cliModel) || Files.exists(sparkModel));
    }

    @Test
    void eachHiddenLayerGetsTheActivationGivenForIt() throws Exception {
        LocalSpark.session();
        Path csv = csv(GradientAveragingExactnessTest.blobs(120, 4, 3, 7));
        Path model = dir.resolve("model.safetensors");
        assertEquals(0, SparkTrainCommand.run("train", "--train", csv.toString(), "--partitions", "2", "--hidden",
                "8,6", "--activation", "tanh,sigmoid", "--batch", "32", "--epochs", "1", "-o", model.toString()));
        Architecture architecture = ModelFile.read(model).network().architecture();
        assertEquals(List.of(Activation.TANH, Activation.SIGMOID, Activation.SOFTMAX),
                List.of(architecture.activation(1), architecture.activation(2), architecture.activation(3)));
    }

    /** What {@code command} printed after {@code prefix} on the line that reports its error (exit status 1). */
    private static String error(IntSupplier command, String prefix) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int status;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = command.getAsInt();
        } finally {
            System.setErr(saved);
        }
        String output = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, output);
        return output.lines().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no line '" + prefix + "...' in: " + output));
    }

    private Path csv(ArrayDataset data) throws Exception {
        StringBuilder text = new StringBuilder();
        float[] x = new float[data.features()];
        float[] t = new float[data.targetWidth()];
        for (int i = 0; i < data.size(); i++) {
            data.gather(new int[] {i}, 0, 1, x, t);
            for (float v : x) {
                text.append(v).append(',');
            }
            text.append(data.label(i)).append('\n');
        }
        Path file = dir.resolve("data.csv");
        Files.writeString(file, text);
        return file;
    }

    private static String[] concat(String[] common, String... more) {
        String[] all = new String[1 + common.length + more.length];
        all[0] = "train";
        System.arraycopy(common, 0, all, 1, common.length);
        System.arraycopy(more, 0, all, 1 + common.length, more.length);
        return all;
    }
}
