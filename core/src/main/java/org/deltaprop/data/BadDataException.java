package org.deltaprop.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data or model file that cannot be used as it is: the message names the file, and the
 * line and column or byte offset where that applies, says what is wrong and how to fix it.
 * A subclass marks a problem that a caller may act on rather than report
 * ({@link QuantityLabelException}).
 */
public class BadDataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The most characters of a problem a message repeats: a hostile file can make a "problem" megabytes long. */
    public static final int MAX_PROBLEM = 600;

    public BadDataException(Path file, String problem) {
        super(file + ": " + shorten(problem));
    }

    public BadDataException(Path file, long line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + shorten(problem));
    }

    public BadDataException(Path file, String problem, Throwable cause) {
        super(file + ": " + shorten(problem), cause);
    }

    /** The text cut to {@link #MAX_PROBLEM} characters, saying how much was left out. */
    public static String shorten(String text) {
        if (text == null || text.length() <= MAX_PROBLEM) {
            return text;
        }
        return text.substring(0, MAX_PROBLEM) + "… (" + (text.length() - MAX_PROBLEM) + " more characters)";
    }
}
