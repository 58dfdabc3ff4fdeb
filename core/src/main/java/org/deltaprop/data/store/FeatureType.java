package org.deltaprop.data.store;

import java.util.Locale;

/**
 * How a store holds its features: one byte (integers 0..255: pixels), two (IEEE half
 * precision: 11 significant bits, magnitudes up to 65504) or four (float32, what the
 * trainer computes in). Every type widens to float32 exactly when a batch is gathered.
 */
public enum FeatureType {
    UINT8(NpyType.UINT8),
    FLOAT16(NpyType.FLOAT16),
    FLOAT32(NpyType.FLOAT32);

    private final NpyType npy;

    FeatureType(NpyType npy) {
        this.npy = npy;
    }

    NpyType npy() {
        return npy;
    }

    /** Bytes per feature value. */
    public int bytes() {
        return npy.size();
    }

    /** The name on the command line and in the manifest: uint8, float16, float32. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code v} can be stored: uint8 holds the integers 0..255 exactly; float16 rounds
     * to its 11 bits but must not overflow to infinity; float32 holds every finite float.
     */
    public boolean fits(float v) {
        return switch (this) {
            case UINT8 -> v >= 0 && v <= 255 && v == Math.rint(v);
            case FLOAT16 -> Float.isFinite(Float.float16ToFloat(Float.floatToFloat16(v)));
            case FLOAT32 -> Float.isFinite(v);
        };
    }

    /** The index of the first value of {@code row} that does not {@link #fits fit}, or −1: one tight loop per type. */
    int firstMisfit(float[] row) {
        switch (this) {
            case UINT8 -> {
                for (int j = 0; j < row.length; j++) {
                    float v = row[j];
                    if (!(v >= 0 && v <= 255 && (float) (int) v == v)) {
                        return j;
                    }
                }
            }
            case FLOAT16 -> {
                for (int j = 0; j < row.length; j++) {
                    if (!fits(row[j])) {
                        return j;
                    }
                }
            }
            case FLOAT32 -> {
                for (int j = 0; j < row.length; j++) {
                    if (!Float.isFinite(row[j])) {
                        return j;
                    }
                }
            }
        }
        return -1;
    }

    /** What {@link #fits} accepts, for messages. */
    public String range() {
        return switch (this) {
            case UINT8 -> "uint8 holds the integers 0..255";
            case FLOAT16 -> "float16 holds magnitudes up to 65504";
            case FLOAT32 -> "float32 holds finite numbers";
        };
    }

    /** From the command line or a manifest: uint8, float16 or float32. */
    public static FeatureType parse(String name) {
        for (FeatureType t : values()) {
            if (t.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("feature type '" + name + "': use uint8, float16 or float32");
    }

    static FeatureType of(NpyType npy) {
        for (FeatureType t : values()) {
            if (t.npy == npy) {
                return t;
            }
        }
        return null;
    }
}
