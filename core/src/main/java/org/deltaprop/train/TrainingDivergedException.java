package org.deltaprop.train;

/** The loss became NaN or infinite; the message says when and what was kept. */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
