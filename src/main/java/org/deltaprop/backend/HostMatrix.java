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

    @Override
    public String toString() {
        return "HostMatrix[" + shape() + "]";
    }
}
