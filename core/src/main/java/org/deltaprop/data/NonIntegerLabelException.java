package org.deltaprop.data;

import java.nio.file.Path;

/**
 * A class column, read with its classes inferred, holds a number that is not an integer (22.6,
 * 0.35): it cannot be classes, and is most likely a quantity to predict. Thrown only when nothing
 * said the column holds classes (no known classes or names, no label offset), so that a caller
 * may read the file again with the column as one regression target ({@code --targets 1}); the
 * message is the error for a caller that does not.
 */
public final class NonIntegerLabelException extends BadDataException {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final long line;
    private final String value;

    NonIntegerLabelException(Path file, long line, int columnNumber, String problem, String column, String value) {
        super(file, line, columnNumber, problem);
        this.column = column;
        this.line = line;
        this.value = value;
    }

    /** The column as a sentence names it: column 'medv', or column 14 (from 1) without a header. */
    public String column() {
        return column;
    }

    /** The line of the first non-integer label. */
    public long line() {
        return line;
    }

    /** That label as written. */
    public String value() {
        return value;
    }
}
