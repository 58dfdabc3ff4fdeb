// The profile of training epochs: every operation of a step is counted in its phase, the
// products' flops add up to what the architecture implies, and the first epoch is held apart.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfilerTest {

    @Test
    void everyOperationOfAnEpochIsCountedInItsPhase() {
        Architecture arch = Architecture.of("4-6-5-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                Activation.RELU, Activation.SOFTMAX);
        int rows = 90, batch = 20;                // 5 batches, the last of 10 rows
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[rows * 4];
        int[] labels = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int n = 0; n < rows; n++) {
            labels[n] = n % 3;
        }
        ArrayDataset data = ArrayDataset.classification(x, 4, labels, 3);
        Profiler profiler = new Profiler();
        Backend backend = profiler.wrap(new ScalarBackend());
        try (Trainer trainer = new Trainer(backend, Network.initialize(arch, 2), TrainingOptions.of(batch,
                Optimizer.adam(0.01), 1), data, true)) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                trainer.epoch(epoch);
            }
        }
        int batches = 5, depth = 3;
        // The output layer's product is part of its step, filed under the output δ's phase.
        assertEquals(batches * (depth - 1), profiler.callsPerEpoch(Profiler.Phase.FORWARD_GEMM));
        // Above the first layer, a layer's δᵀ·X and δ·W are one call, filed under the weight gradients.
        assertEquals(batches * depth, profiler.callsPerEpoch(Profiler.Phase.GRADIENT_GEMM));
        assertEquals(0, profiler.callsPerEpoch(Profiler.Phase.BACKWARD_GEMM));
        // The fused operations are filed whole under their product's or the output δ's phase: the bias +
        // activation, the δ step, the bias gradients' row sums, the loss total and the count are in them.
        for (Profiler.Phase inFused : new Profiler.Phase[] {Profiler.Phase.BIAS_ACTIVATION, Profiler.Phase.DELTA_STEP,
                Profiler.Phase.ROW_SUMS, Profiler.Phase.COUNT_CORRECT}) {
            assertEquals(0, profiler.callsPerEpoch(inFused), inFused.toString());
        }
        assertEquals(batches, profiler.callsPerEpoch(Profiler.Phase.OUTPUT_DELTA));
        assertEquals(batches * 2 * depth, profiler.callsPerEpoch(Profiler.Phase.UPDATE), "weights and biases");
        assertEquals(batches, profiler.callsPerEpoch(Profiler.Phase.PREPARE));
        assertEquals(batches, profiler.callsPerEpoch(Profiler.Phase.WAIT));
        // Per row and multiply-add, 2 flops: forward and weight gradient in every layer, δ·W in all but the first.
        double allLayers = 2.0 * (4 * 6 + 6 * 5 + 5 * 3) * rows;
        double upperLayers = 2.0 * (6 * 5 + 5 * 3) * rows;
        double outputLayer = 2.0 * 5 * 3 * rows;
        assertEquals(allLayers - outputLayer, profiler.flopsPerEpoch(Profiler.Phase.FORWARD_GEMM), 1e-9 * allLayers);
        assertEquals(outputLayer, profiler.flopsPerEpoch(Profiler.Phase.OUTPUT_DELTA), 1e-9 * outputLayer);
        assertEquals(allLayers + upperLayers, profiler.flopsPerEpoch(Profiler.Phase.GRADIENT_GEMM),
                1e-9 * allLayers);
        String report = profiler.report();
        assertTrue(report.contains("epochs after the first"), report);
        assertTrue(report.contains("mean of 2 epochs"), report);
        assertTrue(report.contains("(on the prefetch thread, overlapped)"), report);
    }

    @Test
    void outsideEpochsNothingIsCounted() {
        Profiler profiler = new Profiler();
        Backend backend = profiler.wrap(new ScalarBackend());
        var a = backend.allocate(2, 2);
        var c = backend.allocate(2, 2);
        backend.gemm(false, false, 1, a, a, 0, c);
        assertEquals("profile: no epoch was trained\n", profiler.report());
        profiler.epochStarted(false);
        backend.gemm(false, false, 1, a, a, 0, c);
        profiler.epochFinished(1);
        assertEquals(1, profiler.callsPerEpoch(Profiler.Phase.BACKWARD_GEMM));
        assertEquals(16, profiler.flopsPerEpoch(Profiler.Phase.BACKWARD_GEMM));
    }
}
