package org.deltaprop.data;

import java.nio.file.Path;

/**
 * A class column, read with its classes inferred, reads as a quantity to predict rather than
 * classes: it holds a number that is not an integer (22.6, 0.35), or so many distinct whole
 * numbers, with gaps between them, that no class column would (prices, ages, counts). Thrown only
 * when nothing said the column holds classes (no known classes or names, no label offset), so
 * that a caller may read the file again with the column as one regression target
 * ({@code --targets 1}); the message is the error for a caller that does not.
 */
public final class QuantityLabelException extends BadDataException {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final String evidence;

    /** A label on {@code line} that no class number could be. */
    QuantityLabelException(Path file, long line, int columnNumber, String problem, String column, String evidence) {
        super(file, line, columnNumber, problem);
        this.column = column;
        this.evidence = evidence;
    }

    /** A column whose labels, taken together, no class column would have. */
    QuantityLabelException(Path file, String problem, String column, String evidence) {
        super(file, problem);
        this.column = column;
        this.evidence = evidence;
    }

    /** The column as a sentence names it: column 'medv', or column 14 (from 1) without a header. */
    public String column() {
        return column;
    }

    /**
     * What gave it away, as a predicate of {@link #column}: "holds non-integer numbers ('21.6' on
     * line 3)", or "holds 192 distinct whole numbers in 354 rows (25..346, with gaps)".
     */
    public String evidence() {
        return evidence;
    }
}
