package org.deltaprop.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, export, then ONNX Runtime against {@code deltaprop predict} on the same rows; and the refusals. */
class ExportCommandTest {

    /** predict writes 7 significant digits; the export itself is held to 1e-5 (OnnxExportTest). */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void anExportedClassifierPredictsAsDeltapropPredictDoes() throws Exception {
        Path train = csv("train.csv", 120, 1, true);
        Path model = dir.resolve("m.safetensors");
        Cli trained = Cli.run("train", "--train", train.toString(), "--hidden", "6", "--activation", "gd",
                "--epochs", "5", "--batch", "16", "--backend", "scalar", "--curve", p("curve.png"), "-o", model.toString());
        assertEquals(0, trained.status(), trained.toString());

        Cli exported = Cli.run("export", "-m", model.toString(), "-o", p("m.onnx"));
        assertEquals(0, exported.status(), exported.toString());
        assertTrue(exported.err().contains("wrote " + p("m.onnx")), exported.err());

        Path rows = csv("rows.csv", 25, 2, false);
        Cli predicted = Cli.run("predict", "-m", model.toString(), "-i", rows.toString(), "--columns", "both",
                "--backend", "scalar", "-o", p("predictions.csv"));
        assertEquals(0, predicted.status(), predicted.toString());
        List<String> lines = Files.readAllLines(dir.resolve("predictions.csv"));
        assertEquals("class,y0,y1", lines.get(0));

        float[] x = readMatrix(rows);
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(p("m.onnx"), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(x),
                     new long[] {25, 3});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] y = (float[][]) result.get("output").orElseThrow().getValue();
            long[] classes = (long[]) result.get("class").orElseThrow().getValue();
            for (int i = 0; i < 25; i++) {
                String[] expected = lines.get(i + 1).split(",");
                assertEquals(Long.parseLong(expected[0]), classes[i], "row " + i);
                for (int k = 0; k < 2; k++) {
                    double difference = Math.abs(y[i][k] - Double.parseDouble(expected[k + 1]));
                    assertTrue(difference <= TOLERANCE, "row " + i + " output " + k + ": " + y[i][k] + " against "
                            + expected[k + 1]);
                }
            }
        }
    }

    @Test
    void aFileThatIsNotAModelIsRefusedAndNothingIsWritten() throws IOException {
        Path notAModel = csv("train.csv", 10, 1, true);
        Cli r = Cli.run("export", "-m", notAModel.toString(), "-o", p("m.onnx"));
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().startsWith("deltaprop export: error: ") && r.err().contains(notAModel.toString()), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void theModelFileItselfAndMissingFoldersAreRefused() throws IOException {
        Path model = dir.resolve("m.safetensors");
        Cli trained = Cli.run("train", "--train", csv("train.csv", 30, 1, true).toString(), "--hidden", "4",
                "--epochs", "1", "--backend", "scalar", "--curve", p("curve.png"), "-o", model.toString());
        assertEquals(0, trained.status(), trained.toString());
        byte[] before = Files.readAllBytes(model);

        Cli itself = Cli.run("export", "-m", model.toString(), "-o", model.toString());
        assertEquals(1, itself.status(), itself.toString());
        assertTrue(itself.err().contains("is the model file itself"), itself.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the model is untouched");

        Cli missing = Cli.run("export", "-m", model.toString(), "-o", p("no/such/m.onnx"));
        assertEquals(1, missing.status(), missing.toString());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Two classes split by a plane in 3 features far from the origin (so scaling matters), labels optional. */
    private Path csv(String name, int rows, long seed, boolean labelled) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder(labelled ? "a,b,c,label\n" : "a,b,c\n");
        for (int i = 0; i < rows; i++) {
            double a = 50 + 10 * random.nextGaussian();
            double b = -3 + random.nextGaussian();
            double c = random.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%.3f", a, b, c));
            if (labelled) {
                csv.append(',').append((a - 50) / 10 + b + 3 > 0 ? 1 : 0);
            }
            csv.append('\n');
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    private static float[] readMatrix(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        float[] x = new float[(lines.size() - 1) * 3];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            for (int j = 0; j < 3; j++) {
                x[(i - 1) * 3 + j] = Float.parseFloat(cells[j]);
            }
        }
        return x;
    }
}
