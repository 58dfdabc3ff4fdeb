package org.deltaprop.backend;

/**
 * A matrix on the Java heap, used by the CPU backends: element (i, j) is
 * {@code data()[i * cols + j]}. A {@link #topRows} view shares the array.
 */
public final class HostMatrix implements Matrix {

    private final Backend owner;
    private final float[] data;
    private final int rows;
    private final int cols;

    public HostMatrix(Backend owner, int rows, int cols) {
        this(owner, new float[checkedSize(rows, cols)], rows, cols);
    }

    private HostMatrix(Backend owner, float[] data, int rows, int cols) {
        this.owner = owner;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
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
    public HostMatrix topRows(int rows) {
        if (rows < 0 || rows > this.rows) {
            throw new IllegalArgumentException("topRows(" + rows + ") of a " + shape() + " matrix");
        }
        return rows == this.rows ? this : new HostMatrix(owner, data, rows, cols);
    }

    /**
     * How many rows of {@code y} have their first maximum in the same column as the same row of
     * {@code t} (same shapes): the correct predictions of a batch, for the CPU backends' countCorrect.
     */
    public static int rowsWithSameArgMax(HostMatrix y, HostMatrix t) {
        int same = 0;
        for (int i = 0; i < y.rows; i++) {
            same += y.argMaxOfRow(i) == t.argMaxOfRow(i) ? 1 : 0;
        }
        return same;
    }

    /** The column of the first maximum in {@code row} (NaN never wins): a row's predicted class. */
    public int argMaxOfRow(int row) {
        int start = row * cols;
        int best = 0;
        for (int j = 1; j < cols; j++) {
            if (data[start + j] > data[start + best]) {
                best = j;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "HostMatrix[" + shape() + "]";
    }
}
