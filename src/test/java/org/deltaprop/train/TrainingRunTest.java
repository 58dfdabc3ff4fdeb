package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.Subset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints, resuming and early stopping around the trainer. */
class TrainingRunTest {

    @TempDir
    Path dir;

    private static final Architecture ARCH = Architecture.of("6-8-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
            Activation.SOFTMAX);

    private static TrainingRun.Listener quiet() {
        return report -> { };
    }

    /** Interrupted after epoch 2 and resumed to 4, a run ends with exactly the weights of an uninterrupted one. */
    @Test
    void resumedRunEqualsUninterruptedRun() throws IOException {
        Dataset data = ConformanceChecks.randomData(ARCH, 50, 4);
        TrainingOptions options = TrainingOptions.of(8, Optimizer.adam(0.01), 9);
        Network initial = Network.initialize(ARCH, 9);
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result straight = TrainingRun.run(backend, initial, options, data, null, Scaling.NONE, 3,
                    new TrainingRun.Settings(4, 0, null, 0), null, null, quiet());
            Path ckpt = dir.resolve("run.ckpt.safetensors");
            TrainingRun.run(backend, initial, options, data, null, Scaling.NONE, 3,
                    new TrainingRun.Settings(2, 0, ckpt, 1), null, null, quiet());
            Checkpoint checkpoint = Checkpoint.read(ckpt);
            assertEquals(2, checkpoint.epoch());
            assertEquals(2 * 7, checkpoint.steps(), "7 batches of ≤ 8 rows per epoch");
            TrainingRun.Result resumed = TrainingRun.run(backend, initial, options, data, null, Scaling.NONE, 3,
                    new TrainingRun.Settings(4, 0, ckpt, 1), checkpoint, ckpt, quiet());
            assertEquals(2, resumed.history().size());
            assertTrue(straight.network().sameWeights(resumed.network()), "resume must continue exactly");
        }
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() throws IOException {
        // Few rows, a big network and a high rate: validation loss soon rises as the net overfits.
        Architecture big = Architecture.of("6-64-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SOFTMAX);
        Dataset data = ConformanceChecks.randomData(big, 60, 5);
        Subset.Split split = Subset.split(data, 20, 1);
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result r = TrainingRun.run(backend, Network.initialize(big, 2),
                    TrainingOptions.of(4, Optimizer.adam(0.05), 2), split.training(), split.validation(), Scaling.NONE,
                    3, new TrainingRun.Settings(100, 3, null, 0), null, null, quiet());
            assertTrue(r.stoppedEarly());
            int last = r.history().size();
            assertEquals(r.bestEpoch() + 3, r.history().get(last - 1).training().epoch());
            double bestLoss = r.history().stream().mapToDouble(e -> e.validation().loss()).min().orElseThrow();
            try (DeviceNetwork net = new DeviceNetwork(backend, r.network(), 20)) {
                assertEquals(bestLoss, Evaluator.evaluate(net, split.validation()).loss(), 1e-6,
                        "the kept weights are those of the best epoch");
            }
        }
    }
}
