package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EvaluatorTest {

    /** The progress callback hears the rows done before each batch and at the end, so a bar over a large store moves. */
    @Test
    void reportsTheRowsDoneBatchByBatchAndEvaluatesAllOfThem() {
        Architecture arch = Architecture.of("4-5-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                Activation.SOFTMAX);
        Dataset data = ConformanceChecks.randomData(arch, 23, 2);
        List<Long> done = new ArrayList<>();
        try (Backend backend = new ScalarBackend();
             DeviceNetwork net = new DeviceNetwork(backend, Network.initialize(arch, 1), 10)) {
            Evaluator.Evaluation e = Evaluator.evaluate(net, data, Scaling.NONE, done::add);
            assertEquals(List.of(0L, 10L, 20L, 23L), done);
            assertEquals(23, e.samples());
            assertEquals(Evaluator.evaluate(net, data).loss(), e.loss());
        }
    }

    /**
     * y = 2x + 1 on x = 0..3 against targets 1, 3.5, 5, 6: errors 0, −0.5, 0, 1, so MSE 1.25/4,
     * MAE 1.5/4, and R² = 1 − 1.25/14.1875 (SST about the mean 3.875). The same network in
     * standardised units (mean 10, deviation 2), evaluated with that scaling, has the same errors,
     * and a loss (half the squared error, in standardised units) a quarter as large.
     */
    @Test
    void regressionErrorsAreInTheTargetsUnits() {
        Architecture arch = Architecture.of("1-1", Loss.HALF_SUM_OF_SQUARES, Activation.IDENTITY);
        Dataset data = ArrayDataset.regression(new float[] {0, 1, 2, 3}, 1, new float[] {1, 3.5f, 5, 6}, 1);
        Scaling scaling = Scaling.standardize(new double[] {10}, new double[] {2});
        try (Backend backend = new ScalarBackend();
             DeviceNetwork plain = new DeviceNetwork(backend, Network.of(arch, new float[][] {{2}},
                     new float[][] {{1}}), 4);
             DeviceNetwork scaled = new DeviceNetwork(backend, Network.of(arch, new float[][] {{1}},
                     new float[][] {{-4.5f}}), 4)) {
            Evaluator.Evaluation inUnits = Evaluator.evaluate(plain, data);
            Evaluator.Evaluation standardised = Evaluator.evaluate(scaled, data, scaling, rows -> { });
            assertEquals(0.5 * 1.25 / 4, inUnits.loss(), 1e-6);
            assertEquals(0.5 * 1.25 / 4 / 4, standardised.loss(), 1e-6);
            for (Evaluator.Evaluation e : List.of(inUnits, standardised)) {
                assertEquals(1.25 / 4, e.regression().mse(), 1e-6);
                assertEquals(Math.sqrt(1.25 / 4), e.regression().rmse(), 1e-6);
                assertEquals(1.5 / 4, e.regression().mae(), 1e-6);
                assertEquals(1 - 1.25 / 14.1875, e.regression().r2(), 1e-6);
                assertNull(e.confusion());
            }
        }
    }
}
