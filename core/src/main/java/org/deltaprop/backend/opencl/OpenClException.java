package org.deltaprop.backend.opencl;

/**
 * The OpenCL driver refused something: a kernel that does not build (the message carries the
 * compiler's log), device memory that ran out (the message carries the sizes and what to do),
 * or another driver error (the message names the call and the status code). Not a
 * BackendUnavailableException, which says a backend cannot run here at all.
 */
public final class OpenClException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OpenClException(String message) {
        super(message);
    }

    public OpenClException(String message, Throwable cause) {
        super(message, cause);
    }
}
