package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.Subset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;
import org.deltaprop.train.optimizer.Optimizers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library's whole-run setup: its defaults, the data it splits and scales, its checks, its outcome. */
class TrainingTest {

    /** Three blobs in the plane, far from the origin and wide (so scaling matters), class k around (100k, 50k). */
    private static ArrayDataset blobs(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 2];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 3;
            x[2 * i] = (float) (1000 + 100 * labels[i] + 10 * random.nextGaussian());
            x[2 * i + 1] = (float) (-500 + 50 * labels[i] + 5 * random.nextGaussian());
        }
        return ArrayDataset.classification(x, 2, labels, 3);
    }

    private static float[][] rows(ArrayDataset data) {
        float[][] rows = new float[data.size()][2];
        float[] x = new float[2];
        for (int i = 0; i < data.size(); i++) {
            data.gather(new int[] {i}, 0, 1, x, new float[3]);
            rows[i] = x.clone();
        }
        return rows;
    }

    @Test
    void defaultsAreThoseOfTheCommandLine() {
        Training.Plan classes = Training.on(blobs(30, 1)).prepare();
        assertEquals("2-256-128-3 [relu, relu, softmax], loss cce", classes.architecture().toString());
        assertEquals(Optimizers.create("adam"), classes.options().optimizer());
        assertEquals(RunLength.forRows(30), new RunLength(classes.options().batchSize(), classes.settings().epochs()),
                "sized to the 30 training rows");
        assertTrue(classes.sizedToData());
        assertEquals(Schedule.COSINE, classes.settings().schedule());
        assertEquals(Scaling.Kind.STANDARDIZE, classes.scaling().kind());
        assertNull(classes.validation());

        Dataset values = ArrayDataset.regression(new float[] {1, 2, 3, 4}, 1, new float[] {2, 4, 6, 8}, 1);
        Training.Plan regression = Training.on(values).hidden(4).prepare();
        assertEquals("1-4-1 [relu, identity], loss half-sse", regression.architecture().toString());
        assertEquals(Scaling.Kind.STANDARDIZE, regression.targetScaling().kind(), "targets standardised by default");
        assertEquals(Scaling.Kind.NONE, classes.targetScaling().kind());
        assertEquals(Scaling.Kind.NONE, Training.on(values).standardizeTargets(false).prepare().targetScaling().kind());
        assertFalse(Training.on(values).batch(2).epochs(3).prepare().sizedToData());
        assertEquals(Activation.SIGMOID, Training.on(blobs(30, 1)).loss(Loss.BINARY_CROSS_ENTROPY).prepare()
                .architecture().outputActivation());
    }

    @Test
    void validationRowsAreSplitOffAndTheScalingFitsOnlyTheRest() {
        ArrayDataset data = blobs(40, 2);
        Training.Plan plan = Training.on(data).validationFraction(0.25).seed(7).prepare();
        assertEquals(10, plan.validation().size());
        assertEquals(30, plan.training().size());
        Scaling expected = Scaling.standardize(Subset.split(data, 10, 7).training());
        assertEquals(expected, plan.scaling(), "fitted on the 30 training rows, not all 40");
        assertEquals(Scaling.NONE, Training.on(data).scaling(Scaling.NONE).prepare().scaling());
    }

    @Test
    void settingsThatCannotWorkNameTheSetting() throws IOException {
        ArrayDataset data = blobs(40, 3);
        assertEquals("validation 40 does not leave training rows out of 40", assertThrows(SettingException.class,
                () -> Training.on(data).validationRows(40).prepare()).getMessage());
        assertEquals("dropout", assertThrows(SettingException.class,
                () -> Training.on(data).dropout(1).prepare()).setting());
        assertEquals("activation", assertThrows(SettingException.class,
                () -> Training.on(data).hidden(4, 4, 4).activation(Activation.TANH, Activation.RELU).prepare())
                .setting());
        assertEquals("checkpoint", assertThrows(SettingException.class, () -> Training.on(data)
                .checkpoint(Path.of("no-such-folder", "run.ckpt.safetensors"), 1).prepare()).setting(),
                "found before training, not at the first checkpoint");
        SettingException epochs = assertThrows(SettingException.class, () -> Training.on(data).epochs(0).prepare());
        assertEquals("epochs 0: give at least 1", epochs.getMessage());
        try (Backend backend = new ScalarBackend()) {
            SettingException patience = assertThrows(SettingException.class,
                    () -> Training.on(data).hidden(4).patience(2).run(backend));
            assertEquals("patience", patience.setting());
        }
    }

    /** The outcome's test evaluation, its model's predictions on the raw test rows and its history agree. */
    @Test
    void runTrainsScalesAndTests() throws IOException {
        ArrayDataset training = blobs(150, 4);
        ArrayDataset test = blobs(60, 5);
        int[] epochsSeen = {0};
        try (Backend backend = new ScalarBackend()) {
            Training.Outcome outcome = Training.on(training).test(test).hidden(8).batch(16).epochs(20)
                    .optimizer(Optimizers.create("adam", 0.01, Map.of()))
                    .listener(report -> epochsSeen[0]++).run(backend);
            assertEquals(20, epochsSeen[0]);
            assertEquals(20, outcome.run().history().size());
            assertTrue(outcome.test().accuracy() > 0.95, "separable blobs: " + outcome.test().accuracy());
            int[] predicted = outcome.model().predictClass(backend, rows(test));
            long correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == test.label(i) ? 1 : 0;
            }
            assertEquals(outcome.test().accuracy(), (double) correct / test.size(), 1e-12);
            assertArrayEquals(predicted, outcome.model().predictClass(rows(test)), "the scalar default agrees");
        }
    }
}
