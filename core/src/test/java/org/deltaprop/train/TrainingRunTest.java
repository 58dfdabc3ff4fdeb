package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.Subset;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizer;
import org.deltaprop.train.optimizer.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * A run of 4 epochs that crashes in epoch 2, resumed from its epoch-1 checkpoint, ends
     * with exactly the weights of an uninterrupted run (sample order, Adam's step count and
     * the cosine schedule all continue where they were).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "adam", "adamw", "adamw with dropout"})
    void resumedRunEqualsUninterruptedRun(String setting) throws IOException {
        // With dropout, the masks continue too: the resumed run draws the sets an uninterrupted one would.
        Architecture arch = setting.endsWith("dropout") ? ARCH.withHiddenDropout(0.5) : ARCH;
        Dataset data = ConformanceChecks.randomData(arch, 50, 4);
        TrainingOptions options = TrainingOptions.of(8, Optimizers.create(setting.split(" ")[0], 0.01, Map.of()), 9);
        Model initial = new Model(Network.initialize(arch, 9), Scaling.NONE, 3);
        TrainingRun.Settings settings = new TrainingRun.Settings(4, Schedule.COSINE, 0,
                dir.resolve("run.ckpt.safetensors"), 1);
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result straight = TrainingRun.run(backend, initial, options, data, null,
                    new TrainingRun.Settings(4, Schedule.COSINE, 0, null, 0), null, null, quiet());
            TrainingRun.Listener crashInEpoch2 = report -> {
                if (report.training().epoch() == 2) {
                    throw new IllegalStateException("power cut");
                }
            };
            assertThrows(IllegalStateException.class, () -> TrainingRun.run(backend, initial, options, data, null,
                    settings, null, null, crashInEpoch2));
            Checkpoint checkpoint = Checkpoint.read(settings.checkpoint());
            assertEquals(1, checkpoint.epoch());
            assertEquals(7, checkpoint.steps(), "7 batches of ≤ 8 rows per epoch");
            assertEquals(options.optimizer(), checkpoint.optimizer());
            assertEquals(arch.hasDropout() ? 7 : 0, checkpoint.dropoutDraws());
            TrainingRun.Result resumed = TrainingRun.run(backend, initial, options, data, null,
                    settings, checkpoint, settings.checkpoint(), quiet());
            assertEquals(3, resumed.history().size());
            assertTrue(straight.network().sameWeights(resumed.network()), "resume must continue exactly");
        }
    }

    /**
     * Checkpoints every 2 steps; a crash at any step of epoch 2 or 3, then a resume from the last
     * checkpoint (in the middle of an epoch), ends with the weights and the epoch statistics of an
     * uninterrupted run, dropout and the block order included.
     */
    @Test
    void resumedFromTheMiddleOfAnEpochEqualsUninterruptedRun() throws IOException {
        Architecture arch = ARCH.withHiddenDropout(0.3);
        Dataset data = ConformanceChecks.randomData(arch, 50, 4);
        TrainingOptions options = TrainingOptions.of(8, Optimizers.create("adamw", 0.01, Map.of()), 9)
                .withOrder(SampleOrder.blocks(6, 2));
        Model initial = new Model(Network.initialize(arch, 9), Scaling.NONE, 3);
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result straight = TrainingRun.run(backend, initial, options, data, null,
                    new TrainingRun.Settings(3, Schedule.COSINE, 0, null, 0), null, null, quiet());
            for (int crashAt : new int[] {1, 2, 5, 6, 7, 10}) {      // steps into epoch 2 (7 steps per epoch)
                Path file = dir.resolve("mid" + crashAt + ".ckpt.safetensors");
                TrainingRun.Settings settings = new TrainingRun.Settings(3, Schedule.COSINE, 0, file, 1, 2, 0);
                int[] steps = {0};
                TrainingRun.Listener crash = new TrainingRun.Listener() {
                    @Override
                    public void rowsDone(int rows, int total) {
                        if (++steps[0] == 7 + crashAt) {
                            throw new IllegalStateException("power cut");
                        }
                    }

                    @Override
                    public void epochFinished(TrainingRun.EpochReport report) {
                    }
                };
                assertThrows(IllegalStateException.class, () -> TrainingRun.run(backend, initial, options, data, null,
                        settings, null, null, crash));
                Checkpoint checkpoint = Checkpoint.read(file);
                TrainingRun.Result resumed = TrainingRun.run(backend, initial, options, data, null,
                        settings, checkpoint, file, quiet());
                assertTrue(straight.network().sameWeights(resumed.network()), "crash at step " + crashAt
                        + ", resumed from " + checkpoint.epoch() + "+" + checkpoint.progress());
                Trainer.EpochStats last = resumed.history().get(resumed.history().size() - 1).training();
                Trainer.EpochStats expected = straight.history().get(2).training();
                assertEquals(expected.loss(), last.loss(), "the epoch's loss, from the saved partial sum");
                assertEquals(expected.accuracy(), last.accuracy());
            }
        }
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() throws IOException {
        // Few rows, a big network and a high rate: validation loss soon rises as the net overfits.
        Architecture big = Architecture.of("6-64-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SOFTMAX);
        Dataset data = ConformanceChecks.randomData(big, 60, 5);
        Subset.Split split = Subset.split(data, 20, 1);
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result r = TrainingRun.run(backend, new Model(Network.initialize(big, 2), Scaling.NONE, 3),
                    TrainingOptions.of(4, Optimizer.adam(0.05), 2), split.training(), split.validation(), new TrainingRun.Settings(100, Schedule.CONSTANT, 3, null, 0), null, null, quiet());
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
