package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.nn.Activation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle of device memory: allocation zero-fills, release frees a buffer and every view
 * of it, close frees the rest, and neither throws when repeated; a matrix used after its release
 * or a backend used after close says so; an allocation the device cannot hold says what to do.
 */
class OpenClBackendTest {

    private OpenClBackend backend;

    @BeforeEach
    void open() {
        backend = new OpenClBackend(OpenClTestDevice.selected());
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /**
     * copyIn returns before the device has the data (it is staged and written without waiting),
     * yet the caller may refill its array at once: more uploads in a row than there are staging
     * buffers, the source rewritten after each, every matrix keeps what it was given — also
     * the big ones, which bypass staging, and uploads interleaved with kernels.
     */
    @Test
    void uploadsInARowKeepWhatEachWasGivenWhileTheSourceIsReused() {
        int rows = 257, cols = 33;
        float[] source = new float[(rows + 1) * cols];   // the rows start at offset cols
        Matrix[] targets = new Matrix[7];
        // A long product queued first holds the uploads back on a GPU's in-order queue, so that
        // they queue up behind kernels as in training; StagedUploadsTest holds the queue shut
        // with an event, which proves the reuse of staging buffers on any device.
        Matrix square = backend.allocate(1024, 1024);
        Matrix product = backend.allocate(1024, 1024);
        backend.gemm(false, false, 1f, square, square, 0f, product);
        for (int u = 0; u < targets.length; u++) {
            java.util.Arrays.fill(source, 0, cols, Float.NaN);
            java.util.Arrays.fill(source, cols, source.length, u + 1);
            targets[u] = backend.allocate(rows, cols);
            backend.copyIn(source, cols, targets[u]);
            backend.axpy(0f, targets[u], targets[u]);
        }
        int bigRows = (int) (StagedUploads.MAX_STAGED_BYTES / 4 / cols) + 1;
        float[] bigSource = new float[bigRows * cols];
        java.util.Arrays.fill(bigSource, -3f);
        Matrix big = backend.allocate(bigRows, cols);
        backend.copyIn(bigSource, 0, big);
        java.util.Arrays.fill(bigSource, 0f);
        float[] out = new float[rows * cols];
        for (int u = 0; u < targets.length; u++) {
            backend.copyOut(targets[u], out, 0);
            for (float v : out) {
                assertEquals(u + 1, v, "upload " + u);
            }
        }
        float[] bigOut = new float[bigRows * cols];
        backend.copyOut(big, bigOut, 0);
        assertEquals(-3f, bigOut[bigOut.length - 1]);
        assertEquals(-3f, bigOut[0]);
    }

    @Test
    void allocationIsZeroFilledAndCounted() {
        Matrix m = backend.allocate(33, 7);
        float[] out = new float[33 * 7];
        java.util.Arrays.fill(out, Float.NaN);
        backend.copyOut(m, out, 0);
        assertArrayEquals(new float[33 * 7], out);
        assertEquals(1, backend.liveBuffers());
        assertEquals(33 * 7 * 4, backend.liveBytes());
    }

    /**
     * Packed matrices lie in the whole in order, each where its values start, with zeros between;
     * an element-wise operation on the whole reaches every part; releasing the parts and the whole
     * frees them all.
     */
    @Test
    void packedPartsLieInTheWholeInOrderAndAnOperationOnTheWholeReachesThemAll() {
        int[] rows = {3, 1, 2};
        int[] cols = {5, 5, 7};
        PackedMatrices pack = backend.allocatePacked(rows, cols);
        assertTrue(pack.packed());
        for (int i = 0; i < rows.length; i++) {
            float[] values = new float[rows[i] * cols[i]];
            for (int e = 0; e < values.length; e++) {
                values[e] = 100 * (i + 1) + e;
            }
            backend.copyIn(values, 0, pack.parts().get(i));
        }
        backend.axpy(1f, pack.whole(), pack.whole());     // doubles every part at once
        float[] whole = new float[pack.whole().size()];
        backend.copyOut(pack.whole(), whole, 0);
        int at = 0;
        for (int i = 0; i < rows.length; i++) {
            int start = at;
            while (whole[start] == 0f) {
                start++;
            }
            assertEquals(2f * 100 * (i + 1), whole[start], "part " + i + " starts the values after part " + (i - 1));
            for (int e = 0; e < rows[i] * cols[i]; e++) {
                assertEquals(2f * (100 * (i + 1) + e), whole[start + e], "part " + i + ", element " + e);
            }
            at = start + rows[i] * cols[i];
        }
        for (int e = at; e < whole.length; e++) {
            assertEquals(0f, whole[e], "padding after the last part");
        }
        float[] part = new float[2 * 7];
        backend.copyOut(pack.parts().get(2), part, 0);
        assertEquals(2f * (300 + 13), part[13], "a part reads back what the whole holds");
        pack.release(backend);
        assertEquals(0, backend.liveBuffers());
        assertEquals(0, backend.liveBytes());
    }

    @Test
    void releaseFreesTheBufferOnceAndItsViewsWithIt() {
        Matrix kept = backend.allocate(3, 3);
        Matrix m = backend.allocate(100, 10);
        Matrix sums = backend.allocate(1, 10);
        Matrix view = m.topRows(40);
        assertEquals(3, backend.liveBuffers());
        backend.release(view);  // a view shares its matrix's buffer: releasing either frees both
        assertEquals(2, backend.liveBuffers());
        assertEquals((3 * 3 + 10) * 4, backend.liveBytes());
        assertDoesNotThrow(() -> backend.release(m));
        assertDoesNotThrow(() -> backend.release(view));
        assertEquals(2, backend.liveBuffers());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend.copyIn(new float[1000], 0, m));
        assertTrue(e.getMessage().contains("after release"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> backend.sumRows(view, 0f, sums));
        backend.copyIn(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 0, kept);  // the other matrix is untouched
        float[] out = new float[9];
        backend.copyOut(kept, out, 0);
        assertEquals(9f, out[8]);
    }

    @Test
    void closeFreesEverythingAndIsSafeToRepeat() {
        Matrix s = backend.allocate(7, 13);
        Matrix x = backend.allocate(7, 13);
        Matrix bias = backend.allocate(1, 13);
        backend.biasActivation(bias, Activation.TANH, s, x);  // builds a program and a kernel to release
        backend.close();
        assertEquals(0, backend.liveBuffers());
        assertEquals(0, backend.liveBytes());
        assertDoesNotThrow(backend::close);
        // That every operation is refused from now on, ClosedBackendTest checks for every backend.
    }

    @Test
    void emptyMatricesAreAllowedAndCostNothingToUse() {
        Matrix m = backend.allocate(0, 5);
        Matrix out = backend.allocate(1, 5);
        backend.copyIn(new float[0], 0, m);
        backend.copyIn(new float[] {1, 2, 3, 4, 5}, 0, out);
        backend.sumRows(m, 0f, out);  // the sum of no rows is 0
        float[] back = new float[5];
        backend.copyOut(out, back, 0);
        assertArrayEquals(new float[5], back);
        Matrix c = backend.allocate(3, 0);
        backend.gemm(false, false, 1f, backend.allocate(3, 4), backend.allocate(4, 0), 0f, c);
        backend.synchronize();
    }

    /**
     * The device stands in with a limit of 1 MiB per buffer (the real limits run from a few GiB to
     * more than one matrix can hold), so the refusal is tested the same way on every device.
     */
    @Test
    void anAllocationLargerThanTheDeviceAllowsSaysWhatToDo() {
        OpenClDevices.Device real = backend.device();
        long limit = 1L << 20;
        OpenClDevices.Device small = new OpenClDevices.Device(real.index(), real.platform(), real.id(),
                real.platformName(), real.platformVersion(), real.name(), real.vendor(), real.version(), real.type(),
                real.computeUnits(), real.maxWorkGroupSize(), real.localMemory(), real.globalMemory(), limit,
                real.nativeFloatWidth());
        try (OpenClBackend limited = new OpenClBackend(small)) {
            int cols = 1 << 10;
            int rows = (int) (limit / 4 / cols);
            Matrix largest = limited.allocate(rows, cols);
            OpenClException e = assertThrows(OpenClException.class, () -> limited.allocate(rows + 1, cols));
            String message = e.getMessage();
            assertTrue(message.contains("out of device memory") && message.contains("use a smaller batch or another device"),
                    message);
            assertTrue(message.contains("the device allows at most " + OpenClDevices.bytes(limit) + " in one buffer"),
                    message);
            assertEquals(1, limited.liveBuffers());
            limited.release(largest);
        }
    }
}
