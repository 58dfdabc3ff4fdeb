package org.deltaprop.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data or model file that cannot be used as it is: the message names the file, and the
 * line and column or byte offset where that applies, says what is wrong and how to fix it.
 */
public final class BadDataException extends IOException {

    private static final long serialVersionUID = 1L;

    public BadDataException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public BadDataException(Path file, long line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
    }

    public BadDataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
