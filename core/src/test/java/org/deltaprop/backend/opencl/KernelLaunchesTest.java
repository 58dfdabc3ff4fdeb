// The kernels a training step launches on OpenCL, counted by the backend and reported by the
// profiler, held to what the network's structure implies: a launch added anywhere fails it.
package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.Profiler;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelLaunchesTest {

    /** train --resident: both ways are counted, whatever auto would choose on this device. */
    private static final String RESIDENT = "deltaprop.resident";

    private static final int EPOCHS = 2;

    /**
     * Every kind of output δ: from S alone (cross-entropy), and through f'(S) (the squared errors); and
     * dropout after the hidden layers, which keeps the δ step apart from δ·W.
     */
    static List<Arguments> outputs() {
        return List.of(Arguments.of(Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, 0.0, 300),
                Arguments.of(Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, 0.0, 128),
                Arguments.of(Loss.HALF_SUM_OF_SQUARES, Activation.SIGMOID, 0.0, 300),
                Arguments.of(Loss.SUM_OF_SQUARES, Activation.TANH, 0.0, 128),
                Arguments.of(Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, 0.25, 128));
    }

    /**
     * A classifier trained with Adam under the profiler: per step, every phase launches what the
     * step's fused operations need: per layer a forward product with its bias and activation in its
     * stores (a softmax computed by the output step, with no launch of its own), a weight-gradient
     * product with the bias gradient in it, below the output a δ·W product with the δ step in its
     * stores (with dropout: the product, the mask and the δ step apart, and a mask per hidden layer
     * forward), in one launch with the weight-gradient product above it where the backend pairs them,
     * each product one launch or as many as the backend makes of it (slices of K); one output step
     * (Y of a softmax, δ, loss total and count), and one update of all parameters; no separate bias +
     * activation, row sum or count. Batches of 300 are longer than the direct kernel's default slice of
     * K, so a sliced product is counted too; batches of 128 are paired on the direct kernel.
     */
    @ParameterizedTest(name = "{0} {1} dropout {2} batch {3}")
    @MethodSource("outputs")
    void aTrainingStepLaunchesWhatItsOperationsNeed(Loss loss, Activation output, double dropout, int batch) {
        Architecture arch = Architecture.of("13-33-7-5", loss, Activation.TANH, Activation.RELU, output)
                .withHiddenDropout(dropout);
        for (boolean resident : new boolean[] {false, true}) {
            int steps = 3;
            Profiler profiler = new Profiler();
            OpenClBackend openCl = new OpenClBackend(OpenClTestDevice.selected());
            Backend backend = profiler.wrap(openCl);
            String before = System.setProperty(RESIDENT, resident ? "on" : "off");
            try (Trainer trainer = new Trainer(backend, Network.initialize(arch, 3),
                    TrainingOptions.of(batch, Optimizer.adam(0.01), 1), data(arch, batch * steps))) {
                for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                    trainer.epoch(epoch);
                }
            } finally {
                backend.close();
                if (before == null) {
                    System.clearProperty(RESIDENT);
                } else {
                    System.setProperty(RESIDENT, before);
                }
            }
            Map<Profiler.Phase, Integer> expected = expectedPerStep(openCl, arch, batch);
            if (resident) {
                expected.put(Profiler.Phase.GATHER, 2);   // X⁰ and T, gathered from the data on the device
            }
            int total = expected.values().stream().mapToInt(Integer::intValue).sum();
            String mode = resident ? "resident: " : "streamed: ";
            assertAll(expected.entrySet().stream().map(e -> () -> assertEquals(e.getValue(),
                    profiler.launchesPerStep(e.getKey()), 0.0, mode + e.getKey())));
            assertEquals(total, profiler.launchesPerStep(), 0.0, mode + "all launches of a step");
            assertTrue(profiler.report().contains(String.format(java.util.Locale.ROOT,
                    "kernel launches: %.2f per training step (%d steps per epoch)", (double) total, steps)),
                    mode + profiler.report());
        }
    }

    /**
     * On the direct kernel's tuning, which any device runs, the default network's layers with batches of
     * 128 rows pair their two backward products (one launch each), and batches longer than a slice of K
     * do not (δᵀ·X takes more than one launch there).
     */
    @Test
    void theDirectKernelPairsALayersBackwardProductsWhereEachIsOneLaunch() {
        OpenClBackend direct = new OpenClBackend(OpenClTestDevice.selected(), GemmTuning.cpu(8), null);
        try {
            int slice = GemmTuning.cpu(8).knob("KCD");
            assertAll(() -> assertTrue(direct.pairs(128, 128, 256), "784-256-128-10: layer 2"),
                    () -> assertTrue(direct.pairs(128, 10, 128), "layer 3"),
                    () -> assertEquals(1, direct.layerBackwardLaunches(128, 10, 128)),
                    () -> assertFalse(direct.pairs(slice + 1, 10, 128), "a batch over a slice of K"),
                    () -> assertEquals(direct.gemmLaunches(true, false, 10, 128, slice + 1)
                            + direct.gemmLaunches(false, false, slice + 1, 128, 10),
                            direct.layerBackwardLaunches(slice + 1, 10, 128)));
        } finally {
            direct.close();
        }
    }

    /**
     * On the direct kernel's tuning the default network 784-256-128-10 at batch 128 makes two launches per
     * layer plus the update: 7 per step, counted by the profiler over real steps on this device. The two
     * hidden layers' forward products; the output layer's product, softmax, δ, loss total and count in one
     * launch (10 units, on the direct kernel); each layer's backward products in one (layer 1's δᵀ·X alone);
     * Adam. An output layer wider than {@link OpenClBackend#FUSED_OUTPUT_COLUMNS} keeps its product and its
     * output step apart, and a last batch of 96 rows (60,000 = 468·128 + 96) is fused too.
     */
    @Test
    void theDefaultNetworkMakesTwoLaunchesPerLayerAndOneUpdateOnTheDirectKernel() {
        OpenClBackend direct = new OpenClBackend(OpenClTestDevice.selected(), GemmTuning.cpu(8), null);
        int wide = OpenClBackend.FUSED_OUTPUT_COLUMNS + 1;
        assertAll(() -> assertTrue(direct.fusesOutputLayer(128, 10, 128), "784-256-128-10's output layer"),
                () -> assertTrue(direct.fusesOutputLayer(96, 10, 128), "its last batch"),
                () -> assertEquals(1, direct.outputLayerLaunches(128, 10, 128)),
                () -> assertFalse(direct.fusesOutputLayer(128, wide, 128), wide + " units"),
                () -> assertEquals(direct.gemmLaunches(false, true, 128, wide, 128) + 1,
                        direct.outputLayerLaunches(128, wide, 128)));
        int perStep = launchesPerStep(direct, Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY,
                Activation.RELU, Activation.RELU, Activation.SOFTMAX), 128);
        assertEquals(7, perStep);
    }

    /**
     * With the GPU tuning (the tiled kernel), the default network 784-256-128-10 at batch 128 pairs layer 2's
     * backward products on the tiled kernel (128 × 256, exact 64 × 64 tiles, unsplit) and layer 3's on the
     * general kernel (δᵀ·X, 10 × 128, takes it; δ·W takes the tiled kernel with edges over K = 10 units, one
     * slice), and fuses the output layer's product (the general kernel's) with its output step: 7 launches
     * per step, counted by the profiler over real steps on this device. Layer 2 takes the large-product tiles
     * instead on a device of one compute unit (two of its 128 × 128 tiles fill it), which does not pair: 8 there.
     * Layers of more units than a slice of K keep δ·W on the tiled kernel with edges, apart.
     */
    @Test
    void theTiledTuningPairsALayersBackwardProductsOnTilesOrOnTheGeneralKernel() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        OpenClBackend tiled = new OpenClBackend(device, GemmTuning.gpu(), GemmTuning.gpuLarge());
        Architecture arch = Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                Activation.RELU, Activation.SOFTMAX);
        int batch = 128;
        boolean bigTiles = device.computeUnits() < 2;
        assertAll(() -> assertEquals(!bigTiles, tiled.pairs(batch, 128, 256), "layer 2"),
                () -> assertTrue(tiled.pairs(batch, 10, 128), "layer 3"),
                () -> assertEquals(1, tiled.layerBackwardLaunches(batch, 10, 128)),
                () -> assertFalse(tiled.pairs(batch, 17, 128), "17 units: δ·W over more than a slice of K"),
                () -> assertEquals(tiled.gemmLaunches(true, false, 17, 128, batch)
                        + tiled.gemmLaunches(false, false, batch, 128, 17), tiled.layerBackwardLaunches(batch, 17, 128)),
                () -> assertEquals(1, tiled.layerBackwardLaunches(64, 64, 128), "64 rows, 64 units over 128 inputs"),
                () -> assertTrue(tiled.fusesOutputLayer(batch, 10, 128), "layer 3's step"),
                () -> assertFalse(tiled.fusesOutputLayer(64, 64, 128), "64 units in whole tiles: the tiled kernel's"));
        assertEquals(bigTiles ? 8 : 7, launchesPerStep(tiled, arch, batch));
    }

    /**
     * Trains three steps of {@code arch} on {@code openCl} (closed afterwards) under the profiler, checks the
     * launches counted against {@link #expectedPerStep} and returns them.
     */
    private static int launchesPerStep(OpenClBackend openCl, Architecture arch, int batch) {
        int steps = 3;
        int expected = expectedPerStep(openCl, arch, batch).values().stream().mapToInt(Integer::intValue).sum();
        Profiler profiler = new Profiler();
        Backend backend = profiler.wrap(openCl);
        try (Trainer trainer = new Trainer(backend, Network.initialize(arch, 3),
                TrainingOptions.of(batch, Optimizer.adam(0.01), 1), data(arch, batch * steps))) {
            trainer.epoch(1);
        } finally {
            backend.close();
        }
        assertEquals(expected, profiler.launchesPerStep(), 0.0, profiler.report());
        return expected;
    }

    /** The launches of one step, by phase, derived from the layers and the backend's choice of GEMM kernel. */
    private static Map<Profiler.Phase, Integer> expectedPerStep(OpenClBackend backend, Architecture arch, int rows) {
        Map<Profiler.Phase, Integer> launches = new EnumMap<>(Profiler.Phase.class);
        int depth = arch.depth();
        for (Profiler.Phase phase : Profiler.Phase.values()) {
            launches.put(phase, 0);
        }
        for (int h = 1; h <= depth; h++) {
            int n = arch.units(h), nIn = arch.units(h - 1);
            // The output layer's product is part of its step, filed under the output δ's phase: with Y of a
            // softmax, δ (f'(S) of the squared errors included), the loss total and the count, one launch
            // where the backend fuses them, else the product's launches and one output step.
            if (h == depth) {
                launches.merge(Profiler.Phase.OUTPUT_DELTA, backend.outputLayerLaunches(rows, n, nIn), Integer::sum);
            } else {
                launches.merge(Profiler.Phase.FORWARD_GEMM, backend.gemmLaunches(false, true, rows, n, nIn),
                        Integer::sum);
            }
            if (h > 1 && arch.dropoutAfter(h - 1) == 0) {
                // Both backward products in one operation: one launch where the backend pairs them.
                launches.merge(Profiler.Phase.GRADIENT_GEMM, backend.layerBackwardLaunches(rows, n, nIn), Integer::sum);
            } else {
                launches.merge(Profiler.Phase.GRADIENT_GEMM, backend.gemmLaunches(true, false, n, nIn, rows),
                        Integer::sum);
            }
            if (h > 1 && arch.dropoutAfter(h - 1) > 0) {
                launches.merge(Profiler.Phase.BACKWARD_GEMM, backend.gemmLaunches(false, false, rows, nIn, n),
                        Integer::sum);
                launches.merge(Profiler.Phase.DROPOUT, 2, Integer::sum);       // forward and backward
                launches.merge(Profiler.Phase.DELTA_STEP, 1, Integer::sum);
            }
        }
        launches.put(Profiler.Phase.UPDATE, 1);         // Adam, over every parameter at once
        return launches;
    }

    private static ArrayDataset data(Architecture arch, int rows) {
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[rows * arch.inputs()];
        int[] labels = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int n = 0; n < rows; n++) {
            labels[n] = random.nextInt(arch.outputs());
        }
        return ArrayDataset.classification(x, arch.inputs(), labels, arch.outputs());
    }
}
