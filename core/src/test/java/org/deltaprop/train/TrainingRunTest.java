package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
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

    /** The small run the tests train: 6-8-3 tanh/softmax, batch 8, seed 9, no scaling, quiet. */
    private static Training run(Dataset data, Optimizer optimizer, int epochs) {
        return Training.on(data).hidden(8).activation(Activation.TANH).scaling(Scaling.NONE).optimizer(optimizer)
                .batch(8).seed(9).epochs(epochs);
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
        double dropout = setting.endsWith("dropout") ? 0.5 : 0;
        Dataset data = ConformanceChecks.randomData(ARCH, 50, 4);
        Optimizer optimizer = Optimizers.create(setting.split(" ")[0], 0.01, Map.of());
        Path file = dir.resolve("run.ckpt.safetensors");
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result straight = run(data, optimizer, 4).dropout(dropout).run(backend).run();
            TrainingRun.Listener crashInEpoch2 = report -> {
                if (report.training().epoch() == 2) {
                    throw new IllegalStateException("power cut");
                }
            };
            assertThrows(IllegalStateException.class, () -> run(data, optimizer, 4).dropout(dropout)
                    .checkpoint(file, 1).listener(crashInEpoch2).run(backend));
            Checkpoint checkpoint = Checkpoint.read(file);
            assertEquals(1, checkpoint.epoch());
            assertEquals(7, checkpoint.steps(), "7 batches of ≤ 8 rows per epoch");
            assertEquals(optimizer, checkpoint.optimizer());
            assertEquals(dropout > 0 ? 7 : 0, checkpoint.dropoutDraws());
            TrainingRun.Result resumed = run(data, optimizer, 4).dropout(dropout).checkpoint(file, 1)
                    .resume(checkpoint, file).run(backend).run();
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
        Dataset data = ConformanceChecks.randomData(ARCH, 50, 4);
        Optimizer adamW = Optimizers.create("adamw", 0.01, Map.of());
        try (Backend backend = new ScalarBackend()) {
            TrainingRun.Result straight = run(data, adamW, 3).dropout(0.3).order(SampleOrder.blocks(6, 2))
                    .run(backend).run();
            for (int crashAt : new int[] {1, 2, 5, 6, 7, 10}) {      // steps into epoch 2 (7 steps per epoch)
                Path file = dir.resolve("mid" + crashAt + ".ckpt.safetensors");
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
                assertThrows(IllegalStateException.class, () -> run(data, adamW, 3).dropout(0.3)
                        .order(SampleOrder.blocks(6, 2)).checkpoint(file, 1).checkpointWithinEpochs(2, 0)
                        .listener(crash).run(backend));
                Checkpoint checkpoint = Checkpoint.read(file);
                TrainingRun.Result resumed = run(data, adamW, 3).dropout(0.3).order(SampleOrder.blocks(6, 2))
                        .checkpoint(file, 1).checkpointWithinEpochs(2, 0).resume(checkpoint, file).run(backend).run();
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
        try (Backend backend = new ScalarBackend()) {
            Training.Plan plan = Training.on(data).hidden(64).activation(Activation.TANH).scaling(Scaling.NONE)
                    .optimizer(Optimizer.adam(0.05)).batch(4).seed(2).epochs(100).schedule(Schedule.CONSTANT)
                    .validationRows(20).patience(3).prepare();
            TrainingRun.Result r = plan.run(backend).run();
            assertTrue(r.stoppedEarly());
            int last = r.history().size();
            assertEquals(r.bestEpoch() + 3, r.history().get(last - 1).training().epoch());
            double bestLoss = r.history().stream().mapToDouble(e -> e.validation().loss()).min().orElseThrow();
            try (DeviceNetwork net = new DeviceNetwork(backend, r.network(), 20)) {
                assertEquals(bestLoss, Evaluator.evaluate(net, plan.validation()).loss(), 1e-6,
                        "the kept weights are those of the best epoch");
            }
        }
    }
}
