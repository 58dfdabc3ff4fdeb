package org.deltaprop.backend.opencl;

import org.deltaprop.backend.AbstractMatrix;
import org.jocl.cl_mem;

/**
 * A row-major float matrix in an OpenCL buffer of the {@link OpenClBackend} that allocated it.
 * A {@link #topRows} view is the same buffer with a smaller row count, so every kernel can take it
 * at offset 0.
 */
final class DeviceMatrix extends AbstractMatrix {

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

    private final Buffer buffer;

    DeviceMatrix(OpenClBackend owner, Buffer buffer, int rows, int cols) {
        super(owner, rows, cols);
        this.buffer = buffer;
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
    protected DeviceMatrix view(int rows) {
        return new DeviceMatrix((OpenClBackend) backend(), buffer, rows, cols());
    }
}
