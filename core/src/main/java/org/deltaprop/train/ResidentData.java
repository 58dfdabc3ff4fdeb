// The training rows held on the backend's device for the whole run, so that a step gathers its
// batch there instead of uploading it.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DeviceMemory;
import org.deltaprop.backend.Matrix;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Architecture;
import org.deltaprop.train.optimizer.Optimizer;

import java.util.Locale;

/**
 * The scaled features and the targets (one-hot for classes) of every training row, uploaded to
 * the device once, in row order; each step then {@link Backend#gather}s its batch there from the
 * epoch's order, and the only host-to-device copy of a step is the batch's row indices. The rows
 * are read through the data set's own gathering reader, the one streamed batches are read
 * through, so the device holds the floats a streamed batch would carry, and training gives the
 * same bits either way.
 *
 * <p>Whether to: {@link Mode}, from {@value #PROPERTY} ({@code train --resident}). A backend that
 * computes on the host already holds the data where it computes and keeps its path, without a
 * word. On a device, {@code auto} makes the data resident where the device computes apart from
 * the host ({@link Backend#hostThreads} 0: a GPU) and the data fits comfortably
 * ({@link #HEADROOM}), else streams it, and logs one line saying which and why. On an OpenCL
 * device that runs on the host's cores (PoCL) a batch's upload is a memory copy, which measured
 * cheaper than the gather kernel (docs/OPENCL.md), so auto streams there; {@code on} holds the
 * data all the same. {@code on} that cannot fit is a {@link SettingException} for {@link #SETTING}.
 */
final class ResidentData implements AutoCloseable {

    static final String PROPERTY = "deltaprop.resident";
    /** The setting a {@link SettingException} names when resident data cannot fit. */
    static final String SETTING = "resident";
    /**
     * The share of the device's global memory that the run's buffers and the data may take
     * together: the rest is left to the driver, other programs and evaluation's buffers.
     */
    static final double HEADROOM = 0.75;
    /** The rows evaluation's network holds at most (TrainingRun's validation network), counted as if it ran. */
    private static final int EVALUATION_ROWS = 1024;
    /** Rows read from the data set into the host array at a time. */
    private static final int CHUNK_ROWS = 4096;

    private static final System.Logger LOG = System.getLogger("org.deltaprop");

    /** auto: where it fits; on: always, or an error; off: streamed batches. */
    enum Mode {
        AUTO, ON, OFF;

        /** The mode {@value #PROPERTY} names (default auto); another value is a {@link SettingException}. */
        static Mode fromProperty() {
            String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
            return switch (value) {
                case "auto", "" -> AUTO;
                case "on" -> ON;
                case "off" -> OFF;
                default -> throw new SettingException(SETTING, "is auto, on or off (-D" + PROPERTY + "), not '"
                        + value + "'");
            };
        }
    }

    private final Backend backend;
    private final Matrix features;   // rows × n⁰
    private final Matrix targets;    // rows × nᴸ

    private ResidentData(Backend backend, Matrix features, Matrix targets) {
        this.backend = backend;
        this.features = features;
        this.targets = targets;
    }

    /**
     * The data uploaded to the backend's device as {@code mode} says, or null where batches are to
     * be streamed (a host backend, off, or auto where it does not fit).
     */
    static ResidentData upload(Backend backend, Dataset data, int batch, Optimizer optimizer,
                               Architecture architecture, Mode mode) {
        DeviceMemory device = backend.deviceMemory().orElse(null);
        if (device == null) {
            return null;
        }
        boolean onTheHostsCores = mode == Mode.AUTO && backend.hostThreads() > 0;
        String why = mode == Mode.OFF ? "-D" + PROPERTY + "=off"
                : onTheHostsCores ? "the device computes on the host's own cores, "
                + "where uploading a batch costs less than gathering it; -D" + PROPERTY + "=on holds the data anyway"
                : whyNot(device, data, batch, optimizer, architecture);
        if (why != null) {
            if (mode == Mode.ON) {
                throw new SettingException(SETTING, "on: the training data cannot be held on the device: " + why
                        + "; use auto or off to stream the batches");
            }
            // Streaming is the expected path on a device that shares the host's cores (PoCL), so that
            // is not news a user needs on every run; a device apart that cannot hold the data is.
            LOG.log(onTheHostsCores ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
                    String.format(Locale.ROOT, "training data streamed: each batch "
                    + "uploaded per step, %,d rows (%s)", data.size(), why));
            return null;
        }
        long bytes = dataBytes(data);
        Matrix x = null;
        Matrix t = null;
        try {
            x = backend.allocate(data.size(), data.features());
            t = backend.allocate(data.size(), data.targetWidth());
            copyRows(backend, data, x, t);
        } catch (RuntimeException e) {
            if (x != null) {
                backend.release(x);
            }
            if (t != null) {
                backend.release(t);
            }
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "training data resident on the device: %,d rows, "
                + "%,d MB of features and targets uploaded once, each batch gathered there (-D%s=%s)",
                data.size(), mb(bytes), PROPERTY, mode.name().toLowerCase(Locale.ROOT)));
        return new ResidentData(backend, x, t);
    }

    /** Why the data cannot be held on the device beside the run, or null when it fits comfortably. */
    private static String whyNot(DeviceMemory device, Dataset data, int batch, Optimizer optimizer,
                                 Architecture architecture) {
        long rows = data.size();
        if (rows * data.features() > Integer.MAX_VALUE) {
            return String.format(Locale.ROOT, "its %,d × %,d features are more than one matrix holds (%,d floats)",
                    rows, data.features(), Integer.MAX_VALUE);
        }
        long featureBytes = DeviceFootprint.matrixBytes(data.size(), data.features());
        long bytes = dataBytes(data);
        if (featureBytes > device.maxBufferBytes()) {
            return String.format(Locale.ROOT, "its features take %,d MB and %s allows %,d MB in one buffer",
                    mb(featureBytes), device.device(), mb(device.maxBufferBytes()));
        }
        long run = DeviceFootprint.training(architecture, batch, optimizer, EVALUATION_ROWS).totalBytes()
                + device.reservedBytes();
        long allowed = (long) (device.globalBytes() * HEADROOM);
        if (run + bytes > allowed) {
            return String.format(Locale.ROOT, "its %,d MB beside the run's %,d MB would pass %.0f%% of the %,d MB of "
                    + "%s", mb(bytes), mb(run), HEADROOM * 100, mb(device.globalBytes()), device.device());
        }
        Runtime runtime = Runtime.getRuntime();
        long heapFree = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (bytes > heapFree / 2) {
            return String.format(Locale.ROOT, "uploading its %,d MB passes through the heap, which has %,d MB free; "
                    + "a larger heap (-Xmx) would hold it", mb(bytes), mb(heapFree));
        }
        return null;
    }

    private static long dataBytes(Dataset data) {
        return DeviceFootprint.matrixBytes(data.size(), data.features())
                + DeviceFootprint.matrixBytes(data.size(), data.targetWidth());
    }

    /**
     * Reads every row, in row order, with the data set's gather (scaled and one-hot as batches
     * are) into arrays on the heap, and copies them to the device in one write each.
     */
    private static void copyRows(Backend backend, Dataset data, Matrix x, Matrix t) {
        int rows = data.size();
        int features = data.features();
        int width = data.targetWidth();
        float[] allX = new float[rows * features];
        float[] allT = new float[rows * width];
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) {
            identity[i] = i;
        }
        float[] chunkX = new float[Math.min(rows, CHUNK_ROWS) * features];
        float[] chunkT = new float[Math.min(rows, CHUNK_ROWS) * width];
        for (int from = 0; from < rows; from += CHUNK_ROWS) {
            int count = Math.min(CHUNK_ROWS, rows - from);
            data.gather(identity, from, count, chunkX, chunkT);
            System.arraycopy(chunkX, 0, allX, from * features, count * features);
            System.arraycopy(chunkT, 0, allT, from * width, count * width);
        }
        backend.copyIn(allX, 0, x);
        backend.copyIn(allT, 0, t);
    }

    /** Loads rows {@code from .. from + rows} of the epoch's {@code order} into the network's batch buffers. */
    void gather(DeviceNetwork network, int[] order, int from, int rows) {
        network.gatherBatch(features, targets, order, from, rows);
    }

    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    @Override
    public void close() {
        backend.release(features);
        backend.release(targets);
    }
}
