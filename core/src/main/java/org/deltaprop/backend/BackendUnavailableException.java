package org.deltaprop.backend;

/**
 * A backend was asked for by name and cannot run here; the message says why and how to fix it.
 * Apart from OpenClException, which has the same two constructors, because the two mean different
 * things to the command line: this is a setting the user can change (one line, status 1), that a
 * driver refusing an operation.
 */
public final class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
