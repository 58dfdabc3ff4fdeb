package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
            Evaluator.Evaluation e = Evaluator.evaluate(net, data, done::add);
            assertEquals(List.of(0L, 10L, 20L, 23L), done);
            assertEquals(23, e.samples());
            assertEquals(Evaluator.evaluate(net, data).loss(), e.loss());
        }
    }
}
