package org.deltaprop.nn;

import java.util.Locale;

/**
 * How the per-sample errors of a batch combine into the batch error: the mean (the
 * default, 1/B) or the plain sum (docs/MATH.md §4). The batch scale is folded
 * into the output δ, so every gradient downstream is already the batch gradient.
 */
public enum Reduction {
    MEAN, SUM;

    /** The factor applied to each sample's δ for a batch of {@code rows} samples. */
    public double scale(int rows) {
        return this == MEAN ? 1.0 / rows : 1.0;
    }

    public static Reduction parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "mean" -> MEAN;
            case "sum" -> SUM;
            default -> throw new IllegalArgumentException("unknown reduction '" + text + "': use mean or sum");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
