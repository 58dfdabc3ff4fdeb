package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DeviceMemory;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A run whose buffers cannot fit the OpenCL device is refused before any buffer is allocated,
 * with the bytes it needs and the limits the device reports; the sizes come from those limits.
 */
class DeviceFootprintTest {

    /** The OpenCL backend, which fails the test if anything reaches its allocation. */
    private static Backend allocationForbidden(Backend device) {
        return new ForwardingBackend(device) {
            @Override
            public Matrix allocate(int rows, int cols) {
                throw new AssertionError("allocated a " + rows + "×" + cols + " matrix before refusing the run");
            }

            @Override
            public PackedMatrices allocatePacked(int[] rows, int[] cols) {
                throw new AssertionError("allocated " + rows.length + " packed matrices before refusing the run");
            }
        };
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
    }

    @Test
    void theCountIsWhatTheNetworkAndItsOptimizerAllocate() {
        Architecture arch = new Architecture(5, List.of(Layer.dense(7, Activation.TANH), Layer.dense(4, Activation.RELU),
                Layer.dense(3, Activation.SOFTMAX)), Loss.CATEGORICAL_CROSS_ENTROPY).withHiddenDropout(0.2);
        List<Long> allocated = new ArrayList<>();
        try (Backend counting = new ForwardingBackend(new ScalarBackend()) {
            @Override
            public Matrix allocate(int rows, int cols) {
                allocated.add((long) rows * cols * Float.BYTES);
                return super.allocate(rows, cols);
            }

            /** Part by part, through {@link #allocate}, as a backend that does not pack allocates them. */
            @Override
            public PackedMatrices allocatePacked(int[] rows, int[] cols) {
                return PackedMatrices.allocateApart(this, rows, cols);
            }
        };
             DeviceNetwork network = new DeviceNetwork(counting, Network.initialize(arch, 1), 11);
             OptimizerState adam = new OptimizerState(Optimizers.create("adam", 0.01, Map.of()), network)) {
            List<Long> counted = new ArrayList<>(DeviceFootprint.training(arch, 11,
                    Optimizers.create("adam", 0.01, Map.of()), 0).buffers());
            allocated.sort(null);
            counted.sort(null);
            assertEquals(allocated, counted);
        }
    }

    /**
     * The training network alone fits, and the validation network beside it does not: the run is
     * refused by the count of everything training holds at once, not by either network's own check.
     */
    @Test
    void trainingThatOutgrowsTheDevicesGlobalMemoryIsRefusedBeforeAllocating() {
        try (Backend device = TestBackends.open("opencl")) {
            DeviceMemory limits = device.deviceMemory().orElseThrow();
            // Layers of width n whose batch activations (Sʰ, Xʰ, δʰ: three a layer) fill a buffer each, in
            // as many such layers, separated by 1-unit layers to keep the weights small, as outgrow the device.
            int n = 100_000;
            int fullBuffer = (int) (Math.min(Integer.MAX_VALUE, limits.maxBufferBytes() / Float.BYTES) / n);
            int wideLayers = (int) (limits.globalBytes() / (3L * fullBuffer * n * Float.BYTES)) + 1;
            int[] hidden = new int[2 * wideLayers];
            for (int i = 0; i < wideLayers; i++) {
                hidden[2 * i] = n;
                hidden[2 * i + 1] = 1;
            }
            Architecture arch = Training.on(ArrayDataset.classification(new float[2], 1, new int[] {0, 1}, 2))
                    .hidden(hidden).prepare().architecture();
            // The largest batch whose network fits the device alone.
            int low = 1;
            int high = fullBuffer;
            while (low < high) {
                int mid = (int) (((long) low + high + 1) / 2);
                if (DeviceFootprint.inference(arch, mid).totalBytes() <= limits.globalBytes()) {
                    low = mid;
                } else {
                    high = mid - 1;
                }
            }
            int batch = low;
            int validation = 1024;
            float[] x = new float[batch + validation];
            int[] labels = new int[x.length];
            for (int r = 0; r < x.length; r++) {
                x[r] = r % 7;
                labels[r] = r % 2;
            }
            Training.Plan plan = Training.on(ArrayDataset.classification(x, 1, labels, 2)).hidden(hidden)
                    .batch(batch).validationRows(validation).epochs(1).prepare();
            SettingException e = assertThrows(SettingException.class, () -> plan.run(allocationForbidden(device)));
            assertEquals(Training.DEVICE_MEMORY, e.setting());
            assertTrue(e.problem().contains("more than its global memory"), e.problem());
            assertTrue(e.problem().contains(megabytes(limits.globalBytes()) + " of global memory and allows "
                    + megabytes(limits.maxBufferBytes()) + " in one buffer"), e.problem());
            assertTrue(e.problem().contains(String.format(Locale.ROOT, "with batches of %,d rows", batch)), e.problem());
        }
    }

    /**
     * What the backend reserves for itself (OpenCL's split-K scratch) counts with the run's buffers: a
     * device with room for the buffers and the reserve takes the network, one a byte smaller refuses it.
     */
    @Test
    void theBackendsReservedBytesCountWithTheRunsBuffers() {
        Architecture arch = new Architecture(5, List.of(Layer.dense(7, Activation.TANH),
                Layer.dense(3, Activation.SOFTMAX)), Loss.CATEGORICAL_CROSS_ENTROPY);
        DeviceFootprint footprint = DeviceFootprint.inference(arch, 11);
        long reserved = 4096;
        for (long global : new long[] {footprint.totalBytes() + reserved, footprint.totalBytes() + reserved - 1}) {
            try (Backend device = new ForwardingBackend(new org.deltaprop.backend.scalar.ScalarBackend()) {
                @Override
                public java.util.Optional<DeviceMemory> deviceMemory() {
                    return java.util.Optional.of(new DeviceMemory("a test device", global, global, reserved));
                }
            }) {
                if (global == footprint.totalBytes() + reserved) {
                    footprint.checkFits(device);
                } else {
                    SettingException e = assertThrows(SettingException.class, () -> footprint.checkFits(device));
                    assertTrue(e.problem().contains("more than its global memory"), e.problem());
                    assertTrue(e.problem().contains("in " + (footprint.buffers().size() + 1) + " buffers"), e.problem());
                }
            }
        }
    }

    @Test
    void aBufferLargerThanTheDeviceAllowsIsRefusedBeforeAllocating() {
        try (Backend device = TestBackends.open("opencl")) {
            DeviceMemory limits = device.deviceMemory().orElseThrow();
            // A batch of wide inputs one row more than the device's largest buffer holds: the input buffer.
            int inputs = 1_000_000;
            int rows = (int) (limits.maxBufferBytes() / Float.BYTES / inputs) + 1;
            Architecture arch = new Architecture(inputs, List.of(Layer.dense(2, Activation.SOFTMAX)),
                    Loss.CATEGORICAL_CROSS_ENTROPY);
            DeviceFootprint footprint = DeviceFootprint.inference(arch, rows);
            assumeTrue(footprint.totalBytes() <= limits.globalBytes(), "the device's global memory is no larger than "
                    + "its largest buffer: one buffer cannot outgrow it alone");
            Network network = Network.initialize(arch, 1);
            SettingException e = assertThrows(SettingException.class,
                    () -> new DeviceNetwork(allocationForbidden(device), network, rows));
            assertTrue(e.problem().contains("a buffer larger than it allows"), e.problem());
            assertTrue(e.problem().contains("the largest " + megabytes((long) rows * inputs * Float.BYTES)), e.problem());
        }
    }
}
