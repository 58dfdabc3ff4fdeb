package org.deltaprop.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.Scaling;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exported graphs run in ONNX Runtime and give Deltaprop's predictions: every activation (as
 * the hidden layers' and, where a loss allows it, the output's), every loss, every scaling,
 * dropout, within 1e-5.
 */
class OnnxExportTest {

    /** float32 through two layers of a few units: errors are ~1e-7; 1e-5 is the bar the export must meet. */
    private static final double TOLERANCE = 1e-5;
    private static final int ROWS = 37;

    private static final List<Activation> ELEMENTWISE = List.of(Activation.SIGMOID, Activation.TANH,
            Activation.genericSigmoid(1.7, 0.8, 0.3, -0.4), Activation.GUDERMANNIAN, Activation.RELU,
            Activation.IDENTITY);

    @TempDir
    Path dir;

    @Test
    void everyActivationAndLossPredictsAsDeltapropDoes() throws Exception {
        Scaling[] scalings = {Scaling.NONE, Scaling.divideBy(7), standardization(5)};
        int tried = 0;
        for (Activation hidden : ELEMENTWISE) {
            // Squared errors take the hidden activation at the output too, as a regression model
            // (half-SSE) and as a classifier (SSE); the cross-entropies fix the output activation.
            List<Model> models = List.of(
                    model(hidden, hidden, Loss.HALF_SUM_OF_SQUARES, 0, scalings[tried % 3], 0),
                    model(hidden, hidden, Loss.SUM_OF_SQUARES, 3, scalings[(tried + 1) % 3], 0),
                    model(hidden, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY, 3, scalings[(tried + 2) % 3], 0),
                    model(hidden, Activation.SOFTMAX, Loss.CATEGORICAL_CROSS_ENTROPY, 3, scalings[tried % 3], 0.3));
            for (Model m : models) {
                assertSamePredictions(m, "hidden " + hidden + ", output " + m.network().architecture().outputActivation()
                        + ", loss " + m.network().architecture().loss().cliName() + ", scaling " + m.scaling());
            }
            tried++;
        }
    }

    @Test
    void aClassifierAlsoOutputsItsClassesAndARegressionModelDoesNot() throws Exception {
        Model classifier = model(Activation.TANH, Activation.SOFTMAX, Loss.CATEGORICAL_CROSS_ENTROPY, 3, Scaling.NONE, 0);
        Model regression = model(Activation.TANH, Activation.IDENTITY, Loss.HALF_SUM_OF_SQUARES, 0, Scaling.NONE, 0);
        assertEquals(List.of(OnnxExport.OUTPUT, OnnxExport.CLASS), outputNames(classifier));
        assertEquals(List.of(OnnxExport.OUTPUT), outputNames(regression));
    }

    /** A regression model trained on standardised targets answers in the targets' units, as predict does. */
    @Test
    void standardisedTargetsComeBackInTheirUnits() throws Exception {
        Model m = model(Activation.TANH, Activation.IDENTITY, Loss.HALF_SUM_OF_SQUARES, 0, standardization(5), 0);
        Model inUnits = new Model(m.network(), m.scaling(), 0, standardization(3), List.of(), List.of(),
                List.of());
        assertSamePredictions(inUnits, "targets " + inUnits.targetScaling());
    }

    @Test
    void aFileThatCannotBeWrittenLeavesNothingBehind() throws IOException {
        Model m = model(Activation.RELU, Activation.SOFTMAX, Loss.CATEGORICAL_CROSS_ENTROPY, 3, Scaling.NONE, 0);
        IOException e = assertThrows(IOException.class, () -> OnnxExport.write(dir.resolve("no/such/m.onnx"), m));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path existing = Files.writeString(dir.resolve("m.onnx"), "previous");
        OnnxExport.write(existing, m);
        assertArrayEquals(OnnxExport.toOnnx(m).toByteArray(), Files.readAllBytes(existing));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(existing), files.toList(), "no temporary file left");
        }
    }

    /** Runs the exported file in ONNX Runtime and Deltaprop's scalar backend on the same raw rows. */
    private void assertSamePredictions(Model model, String what) throws IOException, OrtException {
        Architecture arch = model.network().architecture();
        int inputs = arch.inputs();
        int outputs = arch.outputs();
        float[] raw = rawFeatures(model.scaling(), ROWS * inputs);

        float[] scaled = raw.clone();
        model.scaling().apply(scaled, ROWS, inputs);
        float[] expected;
        try (Backend backend = new ScalarBackend();
             DeviceNetwork net = new DeviceNetwork(backend, model.network(), ROWS)) {
            expected = Evaluator.predict(net, scaled, ROWS);
        }
        model.targetScaling().invert(expected, ROWS, outputs);

        Path file = dir.resolve("model.onnx");
        OnnxExport.write(file, model);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {ROWS, inputs});
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            float[][] y = (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
            assertEquals(ROWS, y.length, what);
            double worst = 0;
            for (int i = 0; i < ROWS; i++) {
                for (int k = 0; k < outputs; k++) {
                    worst = Math.max(worst, Math.abs(y[i][k] - expected[i * outputs + k]));
                }
            }
            assertTrue(worst <= TOLERANCE, what + ": worst difference " + worst);
            if (model.classes() > 0) {
                long[] classes = (long[]) result.get(OnnxExport.CLASS).orElseThrow().getValue();
                for (int i = 0; i < ROWS; i++) {
                    assertEquals(Evaluator.argMax(expected, i * outputs, outputs), classes[i], what + ", row " + i);
                }
            }
        }
    }

    private List<String> outputNames(Model model) throws IOException, OrtException {
        Path file = dir.resolve("model.onnx");
        OnnxExport.write(file, model);
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(),
                new OrtSession.SessionOptions())) {
            return new ArrayList<>(session.getOutputNames());
        }
    }

    /**
     * A 5-7-6-K network (K = 3 outputs) with random weights and biases: random rather than
     * trained, so every unit sits somewhere different on its activation (ReLU's both sides,
     * the sigmoids' tails).
     */
    private static Model model(Activation hidden, Activation output, Loss loss, int classes, Scaling scaling,
                               double dropout) {
        List<Layer> layers = new ArrayList<>(List.of(Layer.dense(7, hidden)));
        if (dropout > 0) {
            layers.add(Layer.dropout(dropout));
        }
        layers.add(Layer.dense(6, hidden));
        layers.add(Layer.dense(3, output));
        Architecture arch = new Architecture(5, layers, loss);
        SplittableRandom random = new SplittableRandom(arch.hashCode());
        float[][] weights = new float[arch.depth()][];
        float[][] biases = new float[arch.depth()][];
        for (int h = 1; h <= arch.depth(); h++) {
            weights[h - 1] = uniform(random, arch.units(h) * arch.units(h - 1), 1.2);
            biases[h - 1] = uniform(random, arch.units(h), 0.5);
        }
        return new Model(Network.of(arch, weights, biases), scaling, classes);
    }

    /** Raw features the scaling brings to about unit range, so the network sees what it would in use. */
    private static float[] rawFeatures(Scaling scaling, int n) {
        SplittableRandom random = new SplittableRandom(n);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double z = random.nextGaussian();
            x[i] = (float) switch (scaling.kind()) {
                case NONE -> z;
                case DIVIDE -> z * scaling.divisor();
                case STANDARDIZE -> 10 + 3 * z;
            };
        }
        return x;
    }

    private static Scaling standardization(int features) {
        double[] mean = new double[features];
        double[] std = new double[features];
        for (int j = 0; j < features; j++) {
            mean[j] = 10 + 0.3 * j;
            std[j] = 2.5 + 0.2 * j;
        }
        return Scaling.standardize(mean, std);
    }

    private static float[] uniform(SplittableRandom random, int n, double limit) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
        return values;
    }
}
