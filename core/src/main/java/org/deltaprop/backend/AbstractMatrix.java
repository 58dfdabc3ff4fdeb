package org.deltaprop.backend;

/**
 * What every backend's matrix holds besides its storage: the backend that owns it, its shape, and
 * {@link #topRows} views. Rows are stored one after another, so the first r rows of a matrix are
 * the start of its storage and a view needs nothing but a smaller row count; subclasses make the
 * view over the same storage ({@link #view}).
 */
public abstract class AbstractMatrix implements Matrix {

    private final Backend owner;
    private final int rows;
    private final int cols;

    protected AbstractMatrix(Backend owner, int rows, int cols) {
        this.owner = owner;
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final Backend backend() {
        return owner;
    }

    @Override
    public final Matrix topRows(int rows) {
        if (rows < 0 || rows > this.rows) {
            throw new IllegalArgumentException("topRows(" + rows + ") of a " + shape() + " matrix");
        }
        return rows == this.rows ? this : view(rows);
    }

    /** A matrix of the first {@code rows} rows (fewer than this one's) over this one's storage. */
    protected abstract Matrix view(int rows);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + shape() + "]";
    }
}
