package org.deltaprop.backend;

/**
 * A matrix on the Java heap, used by the CPU backends ({@link HostBackend}): element (i, j) is
 * {@code data()[i * cols + j]}. A {@link #topRows} view shares the array.
 */
public final class HostMatrix extends AbstractMatrix {

    private final float[] data;

    public HostMatrix(Backend owner, int rows, int cols) {
        this(owner, new float[checkedSize(rows, cols)], rows, cols);
    }

    private HostMatrix(Backend owner, float[] data, int rows, int cols) {
        super(owner, rows, cols);
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot allocate a " + rows + "×" + cols + " matrix on the heap");
        }
        return rows * cols;
    }

    /** The backing array; it may be longer than {@code rows * cols} for a view. */
    public float[] data() {
        return data;
    }

    @Override
    protected HostMatrix view(int rows) {
        return new HostMatrix(backend(), data, rows, cols());
    }

    /** The column of the first maximum in {@code row} (NaN never wins): a row's predicted class. */
    public int argMaxOfRow(int row) {
        int start = row * cols();
        int best = 0;
        for (int j = 1; j < cols(); j++) {
            if (data[start + j] > data[start + best]) {
                best = j;
            }
        }
        return best;
    }
}
