// Whole training through the fused operations: on every backend the same weights as through the
// unfused sequences, and a run resumed from a checkpoint the bits of an uninterrupted one.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.backend.UnfusedSequences;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.conformance.Tolerance;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FusedTrainingTest {

    @TempDir
    Path dir;

    static List<String> backends() {
        return Backends.names();
    }

    /** {@code inner} with every fused operation run as its sequence of plain operations. */
    private static Backend unfused(Backend inner) {
        return new ForwardingBackend(inner) {
            @Override
            public void gemmBiasActivation(Matrix x, Matrix w, Matrix bias, Activation f, Matrix s, Matrix out) {
                UnfusedSequences.gemmBiasActivation(this, x, w, bias, f, s, out);
            }

            @Override
            public void gemmActivationBackward(Matrix deltaAbove, Matrix w, Activation f, Matrix s, Matrix x,
                                               Matrix delta) {
                UnfusedSequences.gemmActivationBackward(this, deltaAbove, w, f, s, x, delta);
            }

            @Override
            public void weightGradients(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB) {
                UnfusedSequences.weightGradients(this, delta, x, beta, gradW, gradB);
            }

            @Override
            public void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                                   Matrix rowLoss, Matrix lossSum, Matrix correct) {
                UnfusedSequences.outputStep(this, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
            }

            @Override
            public void layerBackward(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w,
                                      Activation f, Matrix s, Matrix xBelow, Matrix deltaBelow) {
                UnfusedSequences.layerBackward(this, delta, x, beta, gradW, gradB, w, f, s, xBelow, deltaBelow);
            }

            @Override
            public void outputLayerStep(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale,
                                        Matrix s, Matrix y, Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum,
                                        Matrix correct) {
                UnfusedSequences.outputLayerStep(this, x, w, bias, loss, f, scale, s, y, t, delta, rowLoss, lossSum,
                        correct);
            }
        };
    }

    /**
     * Three epochs of Adam on a network with every kind of fused step (element-wise and softmax
     * outputs, a hidden layer wider than a slice of K for δ·W, batches long enough to split δᵀ·X where the
     * backend splits, and batches of 128 whose backward products a backend on the direct kernel launches
     * in pairs), fused against unfused on the same backend: the same weights and epoch losses
     * within the conformance tolerance. Only the bias gradient may be added up in another order by a
     * fused backend (the GEMM's order along the batch instead of the row sum's), which Adam's
     * normalised steps carry over three epochs as differences of a few units in the last place.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void fusedTrainingEndsWithTheWeightsOfTheSequences(String name) {
        Map<Architecture, Integer> batches = new LinkedHashMap<>();
        batches.put(Architecture.of("13-33-300-5", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.RELU,
                Activation.SOFTMAX), 800);
        batches.put(Architecture.of("9-33-3", Loss.HALF_SUM_OF_SQUARES, Activation.GUDERMANNIAN, Activation.SIGMOID),
                800);
        batches.put(Architecture.of("13-40-48-6", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.RELU,
                Activation.SOFTMAX), 128);
        for (Map.Entry<Architecture, Integer> entry : batches.entrySet()) {
            Architecture arch = entry.getKey();
            Dataset data = ConformanceChecks.randomData(arch, 1600, 12);
            TrainingOptions options = TrainingOptions.of(entry.getValue(), Optimizer.adam(0.01), 3);
            Network[] trained = new Network[2];
            double[] loss = new double[2];
            for (int side = 0; side < 2; side++) {
                try (Backend opened = TestBackends.open(name);
                     Trainer trainer = new Trainer(side == 0 ? opened : unfused(opened), Network.initialize(arch, 3),
                             options, data)) {
                    for (int epoch = 1; epoch <= 3; epoch++) {
                        loss[side] = trainer.epoch(epoch).loss();
                    }
                    trained[side] = trainer.network();
                }
            }
            for (int h = 1; h <= arch.depth(); h++) {
                Tolerance.assertMatches(name + " " + arch + ": weights " + h, arch.units(h - 1), trained[0].weights(h),
                        trained[1].weights(h));
                Tolerance.assertMatches(name + " " + arch + ": bias " + h, arch.units(h), trained[0].bias(h),
                        trained[1].bias(h));
            }
            assertTrue(Tolerance.matches(loss[0], loss[1]), name + " " + arch + ": loss " + loss[0] + " vs " + loss[1]);
        }
    }

    /** A run that crashes in epoch 2 and resumes from its epoch-1 checkpoint ends with the bits of an uninterrupted one. */
    @ParameterizedTest
    @MethodSource("backends")
    void aResumedRunEqualsAnUninterruptedOne(String name) throws IOException {
        Architecture arch = Architecture.of("6-8-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SOFTMAX);
        Dataset data = ConformanceChecks.randomData(arch, 50, 4);
        Path file = dir.resolve(name + ".ckpt.safetensors");
        try (Backend backend = TestBackends.open(name)) {
            TrainingRun.Result straight = run(data).run(backend).run();
            TrainingRun.Listener crashInEpoch2 = report -> {
                if (report.training().epoch() == 2) {
                    throw new IllegalStateException("power cut");
                }
            };
            assertThrows(IllegalStateException.class, () -> run(data).checkpoint(file, 1).listener(crashInEpoch2)
                    .run(backend));
            Checkpoint checkpoint = Checkpoint.read(file);
            assertEquals(1, checkpoint.epoch());
            TrainingRun.Result resumed = run(data).checkpoint(file, 1).resume(checkpoint, file).run(backend).run();
            assertTrue(straight.network().sameWeights(resumed.network()), name + ": resume must continue exactly");
        }
    }

    private static Training run(Dataset data) {
        return Training.on(data).hidden(8).activation(Activation.TANH).scaling(Scaling.NONE)
                .optimizer(Optimizer.adam(0.01)).batch(8).seed(9).epochs(4);
    }
}
