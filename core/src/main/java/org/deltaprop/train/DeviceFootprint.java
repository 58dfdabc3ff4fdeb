package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DeviceMemory;
import org.deltaprop.nn.Architecture;
import org.deltaprop.train.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The device memory a network needs on a backend whose matrices live on a device (OpenCL): every
 * buffer's bytes, counted in {@code long} before any is allocated, and weighed against what the
 * device reports, so that a request that cannot fit is refused with the numbers at once rather
 * than failing in the driver part way through allocating (or, on drivers that allocate lazily,
 * at some later kernel). Backends on the Java heap report no device and pass unchecked: the heap
 * check in {@link Training#prepare} covers them. Tensors the backend packs into one buffer
 * ({@link org.deltaprop.backend.Backend#allocatePacked}) are counted apart, without the padding
 * that aligns them (under one alignment unit, at most a few hundred bytes, a tensor); a backend
 * that cannot fit the whole in one buffer allocates them apart. What the backend holds for itself
 * ({@link DeviceMemory#reservedBytes}: OpenCL's split-K scratch) is counted with them.
 */
public final class DeviceFootprint {

    private final Architecture architecture;
    private final int batchRows;
    private final List<Long> buffers;

    private DeviceFootprint(Architecture architecture, int batchRows, List<Long> buffers) {
        this.architecture = architecture;
        this.batchRows = batchRows;
        this.buffers = List.copyOf(buffers);
    }

    /** What a {@link DeviceNetwork} of batches of up to {@code capacity} rows holds: evaluation and prediction. */
    public static DeviceFootprint inference(Architecture architecture, int capacity) {
        return new DeviceFootprint(architecture, capacity, DeviceNetwork.bufferBytes(architecture, capacity));
    }

    /**
     * What a training run holds at once: the network with batches of {@code batch} rows and its
     * gradients, the optimizer's state for every parameter, and a second network for evaluating
     * {@code validationRows} held-out rows (0: none) in batches of up to 1024.
     */
    static DeviceFootprint training(Architecture architecture, int batch, Optimizer optimizer, int validationRows) {
        List<Long> buffers = new ArrayList<>(DeviceNetwork.bufferBytes(architecture, batch));
        buffers.addAll(OptimizerState.bufferBytes(optimizer, architecture));
        if (validationRows > 0) {
            buffers.addAll(DeviceNetwork.bufferBytes(architecture, Math.min(1024, validationRows)));
        }
        return new DeviceFootprint(architecture, batch, buffers);
    }

    /** The bytes of a rows × cols float matrix, in {@code long}. */
    static long matrixBytes(int rows, int cols) {
        return (long) rows * cols * Float.BYTES;
    }

    /** The bytes of every buffer, in the order they were counted. */
    List<Long> buffers() {
        return buffers;
    }

    public long totalBytes() {
        return buffers.stream().mapToLong(Long::longValue).sum();
    }

    public long largestBytes() {
        return buffers.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * Refuses, with a {@link SettingException} for {@link Training#DEVICE_MEMORY}, buffers that
     * together exceed the device's global memory or one of which exceeds what the device allows in
     * one buffer; does nothing on a backend without a device.
     */
    public void checkFits(Backend backend) {
        DeviceMemory device = backend.deviceMemory().orElse(null);
        if (device == null) {
            return;
        }
        long total = totalBytes() + device.reservedBytes();
        long largest = Math.max(largestBytes(), device.reservedBytes());
        int count = buffers.size() + (device.reservedBytes() > 0 ? 1 : 0);
        if (total <= device.globalBytes() && largest <= device.maxBufferBytes()) {
            return;
        }
        String over = total > device.globalBytes() ? "more than its global memory" : "a buffer larger than it allows";
        throw new SettingException(Training.DEVICE_MEMORY, String.format(Locale.ROOT, "is too small: the network %s "
                        + "with batches of %,d rows needs %,d MB of device memory in %d buffers (weights, gradients, "
                        + "optimizer state, each layer's batch activations, the backend's scratch), the largest %,d MB; %s has %,d MB of "
                        + "global memory and allows %,d MB in one buffer, so this is %s. Use smaller batches or "
                        + "narrower layers, or a backend that computes on the CPU",
                architecture.sizes(), batchRows, mb(total), count, mb(largest), device.device(),
                mb(device.globalBytes()), mb(device.maxBufferBytes()), over));
    }

    /** Megabytes, rounded up, so that a request over a limit never shows as equal to it. */
    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
