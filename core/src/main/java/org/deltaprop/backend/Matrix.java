package org.deltaprop.backend;

/**
 * A dense, row-major float32 matrix that lives in the memory of the {@link Backend} that
 * allocated it (the Java heap, or a device buffer). Only that backend may use it.
 *
 * <p>A matrix is a handle, not the data: read and write its contents with
 * {@link Backend#copyIn} and {@link Backend#copyOut}.
 */
public interface Matrix {

    int rows();

    int cols();

    /** The backend that owns this matrix. */
    Backend backend();

    /**
     * The first {@code rows} rows of this matrix, sharing its storage. The training loop
     * allocates buffers for a full batch and uses a prefix view for the last, shorter batch.
     */
    Matrix topRows(int rows);

    default int size() {
        return rows() * cols();
    }

    default String shape() {
        return rows() + "×" + cols();
    }
}
