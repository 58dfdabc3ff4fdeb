package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.jocl.cl_mem;

/**
 * A row-major float matrix in an OpenCL buffer of the {@link OpenClBackend} that allocated it.
 * A {@link #topRows} view shares the buffer: with rows stored one after another, the first r rows
 * of a matrix are the start of its buffer, so a view is the same buffer with a smaller row count
 * and every kernel can take it at offset 0.
 */
final class DeviceMatrix implements Matrix {

    /**
     * The buffer behind a matrix and all its views. It is owned by the backend, which releases it
     * in {@link OpenClBackend#release} or {@link OpenClBackend#close}; {@code mem} is null from then on.
     */
    static final class Buffer {
        private cl_mem mem;
        final long bytes;

        Buffer(cl_mem mem, long bytes) {
            this.mem = mem;
            this.bytes = bytes;
        }

        /** Hands the buffer over for release; null when it was already released. */
        cl_mem take() {
            cl_mem m = mem;
            mem = null;
            return m;
        }
    }

    private final OpenClBackend owner;
    private final Buffer buffer;
    private final int rows;
    private final int cols;

    DeviceMatrix(OpenClBackend owner, Buffer buffer, int rows, int cols) {
        this.owner = owner;
        this.buffer = buffer;
        this.rows = rows;
        this.cols = cols;
    }

    /** The device buffer; throws once the matrix has been released. */
    cl_mem mem() {
        cl_mem m = buffer.mem;
        if (m == null) {
            throw new IllegalStateException("an OpenCL matrix (" + shape() + ") was used after release() or close()");
        }
        return m;
    }

    Buffer buffer() {
        return buffer;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public Backend backend() {
        return owner;
    }

    @Override
    public DeviceMatrix topRows(int rows) {
        if (rows < 0 || rows > this.rows) {
            throw new IllegalArgumentException("topRows(" + rows + ") of a " + shape() + " matrix");
        }
        return rows == this.rows ? this : new DeviceMatrix(owner, buffer, rows, cols);
    }

    @Override
    public String toString() {
        return "DeviceMatrix[" + shape() + "]";
    }
}
