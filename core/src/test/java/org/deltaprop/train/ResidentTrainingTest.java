package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DeviceMemory;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training data held on the OpenCL device ({@link ResidentData}): the same bits as streamed
 * batches, through checkpoints and resuming too, and the choice of when to hold it.
 */
class ResidentTrainingTest {

    @TempDir
    Path dir;

    /** A classifier with dropout (masks drawn per step) and a regression (targets that are not one-hot). */
    private static Architecture architecture(String kind) {
        return kind.equals("classifier")
                ? Architecture.of("13-33-7-5", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.RELU,
                        Activation.SOFTMAX).withHiddenDropout(0.2)
                : Architecture.of("13-17-3", Loss.HALF_SUM_OF_SQUARES, Activation.TANH, Activation.IDENTITY);
    }

    /**
     * Three epochs of 203 scaled rows in batches of 16 (the last of 11), resident and streamed from
     * the same start: the same weights, bit for bit, and the same epoch losses and accuracies.
     */
    @ParameterizedTest
    @ValueSource(strings = {"classifier", "regression"})
    void residentDataTrainsTheWeightsOfStreamedBatches(String kind) {
        Architecture arch = architecture(kind);
        Dataset raw = ConformanceChecks.randomData(arch, 203, 11);
        Dataset data = Scaling.standardize(raw).applyTo(raw);
        TrainingOptions options = TrainingOptions.of(16, Optimizer.adam(0.01), 5);
        Network initial = Network.initialize(arch, 6);
        try (Backend backend = TestBackends.open("opencl")) {
            List<Trainer.EpochStats> streamedStats = new ArrayList<>();
            List<Trainer.EpochStats> residentStats = new ArrayList<>();
            Network streamed = train(backend, initial, options, data, ResidentData.Mode.OFF, false, streamedStats);
            Network resident = train(backend, initial, options, data, ResidentData.Mode.ON, true, residentStats);
            assertFalse(streamed.sameWeights(initial), "training changed the weights");
            assertTrue(resident.sameWeights(streamed), "resident data must train the streamed weights");
            for (int e = 0; e < 3; e++) {
                assertEquals(streamedStats.get(e).loss(), residentStats.get(e).loss(), "loss of epoch " + (e + 1));
                assertEquals(streamedStats.get(e).accuracy(), residentStats.get(e).accuracy(),
                        "accuracy of epoch " + (e + 1));
            }
        }
    }

    private static Network train(Backend backend, Network initial, TrainingOptions options, Dataset data,
                                 ResidentData.Mode mode, boolean expectResident, List<Trainer.EpochStats> stats) {
        try (Trainer trainer = new Trainer(backend, initial, options, data, false, mode)) {
            assertEquals(expectResident, trainer.resident(), "resident with " + mode);
            for (int epoch = 1; epoch <= 3; epoch++) {
                stats.add(trainer.epoch(epoch));
            }
            return trainer.network();
        }
    }

    /**
     * A resident run that crashes in the middle of epoch 2 and is resumed from its last checkpoint
     * (taken every 3 steps) ends with the weights of a streamed run that was never stopped.
     */
    @Test
    void aResumedResidentRunEqualsAnUninterruptedStreamedRun() throws IOException {
        Architecture arch = architecture("classifier");
        Dataset data = ConformanceChecks.randomData(arch, 100, 4);
        Optimizer adamW = Optimizers.create("adamw", 0.01, Map.of());
        Path file = dir.resolve("resident.ckpt.safetensors");
        try (Backend backend = TestBackends.open("opencl")) {
            TrainingRun.Result straight = withResidency("off", () -> run(data, adamW).run(backend).run());
            int[] steps = {0};
            TrainingRun.Listener crash = new TrainingRun.Listener() {
                @Override
                public void rowsDone(int rows, int total) {
                    if (++steps[0] == 13 + 5) {          // 13 steps an epoch: the 5th of epoch 2
                        throw new IllegalStateException("power cut");
                    }
                }

                @Override
                public void epochFinished(TrainingRun.EpochReport report) {
                }
            };
            assertThrows(IllegalStateException.class, () -> withResidency("on",
                    () -> run(data, adamW).checkpoint(file, 1).checkpointWithinEpochs(3, 0).listener(crash)
                            .run(backend)));
            Checkpoint checkpoint = Checkpoint.read(file);
            assertEquals(1, checkpoint.epoch());
            assertEquals(2, checkpoint.progress().batchesDone(), "the checkpoint of the run's 15th step, 2 into epoch 2");
            TrainingRun.Result resumed = withResidency("on", () -> run(data, adamW).checkpoint(file, 1)
                    .checkpointWithinEpochs(3, 0).resume(checkpoint, file).run(backend).run());
            assertTrue(straight.network().sameWeights(resumed.network()), "resume must continue exactly");
            assertEquals(straight.history().get(2).training().loss(),
                    resumed.history().get(resumed.history().size() - 1).training().loss());
        }
    }

    private static Training run(Dataset data, Optimizer optimizer) {
        return Training.on(data).hidden(33, 7).activation(Activation.TANH).dropout(0.2).scaling(Scaling.NONE)
                .optimizer(optimizer).batch(8).seed(9).epochs(3);
    }

    private interface Body<T> {
        T run() throws IOException;
    }

    /** Runs {@code body} with {@value ResidentData#PROPERTY} set, as {@code train --resident} sets it. */
    private static <T> T withResidency(String mode, Body<T> body) throws IOException {
        String before = System.getProperty(ResidentData.PROPERTY);
        System.setProperty(ResidentData.PROPERTY, mode);
        try {
            return body.run();
        } finally {
            if (before == null) {
                System.clearProperty(ResidentData.PROPERTY);
            } else {
                System.setProperty(ResidentData.PROPERTY, before);
            }
        }
    }

    /**
     * On a device apart from the host that reports too little memory for the data beside the run,
     * auto streams and says why, and on is refused with the numbers and the fix; with the memory it
     * has, auto holds the data. On the OpenCL device as it is, auto holds it where the device is
     * apart from the host (a GPU) and streams on the host's own cores (PoCL), saying so below INFO. A host
     * backend keeps its path for every mode and logs nothing.
     */
    @Test
    void autoStreamsWhatCannotFitOnIsRefusedAndHostBackendsStaySilent() {
        Architecture arch = architecture("regression");
        Dataset data = ConformanceChecks.randomData(arch, 5000, 3);
        TrainingOptions options = TrainingOptions.of(50, Optimizer.sgd(0.01), 1);
        Network initial = Network.initialize(arch, 1);
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().startsWith("training data")) {
                    lines.add(record.getLevel() + " " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("org.deltaprop");
        Level level = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            try (Backend scalar = new ScalarBackend()) {
                for (ResidentData.Mode mode : ResidentData.Mode.values()) {
                    try (Trainer trainer = new Trainer(scalar, initial, options, data, false, mode)) {
                        assertFalse(trainer.resident(), "a host backend with " + mode);
                    }
                }
            }
            assertEquals(List.of(), lines, "a host backend logs no line");
            try (Backend opencl = TestBackends.open("opencl")) {
                // The run's buffers and 5000 × (13 + 3) floats (312.5 KiB), in a device of 400 KiB: over 3/4 of it.
                Backend small = new ApartDevice(opencl, 400 << 10);
                try (Trainer trainer = new Trainer(small, initial, options, data, false, ResidentData.Mode.AUTO)) {
                    assertFalse(trainer.resident(), "auto on a device too small");
                }
                assertEquals(1, lines.size(), lines::toString);
                assertTrue(lines.get(0).startsWith("INFO training data streamed"), lines.get(0));
                assertTrue(lines.get(0).contains("would pass 75% of the 1 MB"), lines.get(0));
                SettingException refused = assertThrows(SettingException.class,
                        () -> new Trainer(small, initial, options, data, false, ResidentData.Mode.ON));
                assertEquals(ResidentData.SETTING, refused.setting());
                assertTrue(refused.problem().contains("cannot be held on the device")
                        && refused.problem().contains("use auto or off to stream the batches"), refused.getMessage());
                Backend apart = new ApartDevice(opencl, opencl.deviceMemory().orElseThrow().globalBytes());
                try (Trainer trainer = new Trainer(apart, initial, options, data, false, ResidentData.Mode.AUTO)) {
                    assertTrue(trainer.resident(), "auto on a device apart from the host with room");
                }
                assertEquals(2, lines.size(), lines::toString);
                assertTrue(lines.get(1).startsWith("INFO training data resident on the device: 5,000 rows"), lines.get(1));
                boolean onTheHostsCores = opencl.hostThreads() > 0;
                try (Trainer trainer = new Trainer(opencl, initial, options, data, false, ResidentData.Mode.AUTO)) {
                    assertEquals(!onTheHostsCores, trainer.resident(), "auto on the OpenCL device as it is");
                }
                assertEquals(3, lines.size(), lines::toString);
                assertEquals(onTheHostsCores, lines.get(2).contains("the device computes on the host's own cores"),
                        lines.get(2));
                // The expected path on the host's cores is logged below INFO, out of the user's way.
                assertEquals(onTheHostsCores ? "FINE" : "INFO", lines.get(2).substring(0, 4), lines.get(2));
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }
    }

    /** The backend as if its device computed apart from the host (a GPU) and had {@code bytes} of global memory. */
    private static final class ApartDevice extends ForwardingBackend {
        private final long bytes;

        ApartDevice(Backend inner, long bytes) {
            super(inner);
            this.bytes = bytes;
        }

        @Override
        public int hostThreads() {
            return 0;
        }

        @Override
        public Optional<DeviceMemory> deviceMemory() {
            return Optional.of(new DeviceMemory("a small device", bytes, bytes, 0));
        }
    }

    @Test
    void theModeIsReadFromItsProperty() throws IOException {
        assertEquals(ResidentData.Mode.OFF, withResidency(" Off ", ResidentData.Mode::fromProperty));
        SettingException bad = assertThrows(SettingException.class,
                () -> withResidency("yes", ResidentData.Mode::fromProperty));
        assertEquals("resident is auto, on or off (-Ddeltaprop.resident), not 'yes'", bad.getMessage());
    }
}
