package org.deltaprop.train;

import java.util.Locale;

/**
 * How the learning rate changes over a run, step by step: constant, or cosine decay from
 * η to 0 over all the run's updates (η·½(1 + cos(π·t/T)) at update t of T), which lets a
 * short run settle into a minimum instead of circling it. It depends only on the update
 * count, so a resumed run follows the same curve.
 */
public enum Schedule {
    CONSTANT, COSINE;

    /** The rate for update {@code step} (0-based) of {@code totalSteps}. */
    public double rate(double base, long step, long totalSteps) {
        return switch (this) {
            case CONSTANT -> base;
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / Math.max(1, totalSteps)));
        };
    }

    public static Schedule parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "constant" -> CONSTANT;
            case "cosine" -> COSINE;
            default -> throw new IllegalArgumentException("unknown schedule '" + text + "': use constant or cosine");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
