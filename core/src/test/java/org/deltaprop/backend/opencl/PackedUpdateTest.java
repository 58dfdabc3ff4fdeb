// The optimizer's update over all parameters in one launch, on packed buffers, against one launch
// per parameter on buffers allocated apart: the same bits, in fewer launches.
package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.GradientStep;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PackedUpdateTest {

    private static final Architecture ARCH = Architecture.of("13-33-7-5", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.TANH, Activation.RELU, Activation.SOFTMAX);
    private static final int ROWS = 16;
    private static final int STEPS = 3;

    static List<Optimizer> optimizers() {
        return List.of(Optimizer.sgd(0.1), Optimizer.momentum(0.05, 0.9), Optimizer.adam(0.01),
                Optimizer.adamW(0.01, 0.1));
    }

    /** The same backend with every pack allocated apart, as a backend that does not pack would. */
    private static final class Unpacked extends ForwardingBackend {
        Unpacked(Backend inner) {
            super(inner);
        }

        @Override
        public PackedMatrices allocatePacked(int[] rows, int[] cols) {
            return PackedMatrices.allocateApart(this, rows, cols);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void oneUpdateOfAllParametersGivesTheBitsOfOnePerParameter(Optimizer optimizer) {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        int launchesPerUpdate = optimizer.name().equals("adamw") ? 2 : 1;     // AdamW decays, then Adam's update
        int parameters = 2 * ARCH.depth();
        try (Backend packing = new OpenClBackend(device); Backend apart = new Unpacked(new OpenClBackend(device))) {
            float[] packed = train(packing, optimizer, launchesPerUpdate);
            float[] separate = train(apart, optimizer, parameters * launchesPerUpdate);
            assertArrayEquals(separate, packed, "the weights after " + STEPS + " updates");
        }
    }

    /** The parameters after a few steps on fixed batches, checking the launches of each update. */
    private static float[] train(Backend backend, Optimizer optimizer, int updateLaunches) {
        SplittableRandom random = new SplittableRandom(7);
        float[] x = new float[ROWS * ARCH.inputs()];
        float[] t = new float[ROWS * ARCH.outputs()];
        try (DeviceNetwork network = new DeviceNetwork(backend, Network.initialize(ARCH, 11), ROWS);
             GradientStep step = new GradientStep(network, TrainingOptions.of(ROWS, optimizer, 1))) {
            for (int s = 0; s < STEPS; s++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextDouble(-2, 2);
                }
                java.util.Arrays.fill(t, 0f);
                for (int n = 0; n < ROWS; n++) {
                    t[n * ARCH.outputs() + random.nextInt(ARCH.outputs())] = 1f;
                }
                step.gradients(x, t, ROWS, network.gradients(), false);
                long before = backend.kernelLaunches();
                step.apply(network.gradients(), 0.5);
                assertEquals(updateLaunches, backend.kernelLaunches() - before, "launches of one update");
            }
            return network.exportParameters();
        }
    }
}
