// The one definition of which elements inverted dropout keeps, shared by every backend and the
// tests, so that a mask is the same bits on the scalar, simd and opencl backends.
package org.deltaprop.backend;

/**
 * The dropout mask of {@link Backend#dropout}: a pure function of (seed, element index), so that
 * the forward pass and the backward pass (the same call on δ with the same seed) drop the same
 * elements, on every backend, for any thread count, vector width or work-group size.
 *
 * <p>The mask, exactly:
 * <ol>
 *   <li>the element index is {@code i = r·cols + c}, the logical row-major index in the matrix
 *       (for a {@link Matrix#topRows} view, the index within the view; its rows start at 0);</li>
 *   <li>{@code key = (int) seed ^ (int) (seed >>> 32)};</li>
 *   <li>{@code h = key + i·0x9E3779B9} in 32-bit wrap-around arithmetic, then the "lowbias32"
 *       integer hash: {@code h ^= h >>> 16; h *= 0x7feb352d; h ^= h >>> 15; h *= 0x846ca68b;
 *       h ^= h >>> 16} (unsigned shifts);</li>
 *   <li>the element is kept iff {@code (h >>> 8) ≥ threshold}, where
 *       {@code threshold = round(rate·2²⁴)}, so that P(keep) = 1 − threshold/2²⁴;</li>
 *   <li>{@code scale = 1f / (1f − rate)} in float; a kept element becomes {@code x·scale}
 *       (one float multiply), a dropped one {@code 0f} (also where x is NaN or infinite).</li>
 * </ol>
 * Rate 0 gives threshold 0 and scale 1: every element is kept and y = x·1 = x exactly.
 *
 * <p>Why this hash: the index times the golden-ratio constant spreads consecutive indices over
 * the whole 32-bit range, and lowbias32 (two multiply-xorshift rounds) mixes every input bit into
 * the top bits that the comparison reads. It is a handful of 32-bit integer operations that
 * vectorise as they stand in the Vector API and in OpenCL C, with no state and no carry between
 * elements. The top 24 bits are compared: both sides are then non-negative ints, so Java's
 * signed comparison agrees with OpenCL's unsigned one, and 2⁻²⁴ is the spacing of floats just
 * below 1, so P(keep) is exactly 1 − rate for every rate in [0.5, 1). The hash maps 0 to 0:
 * with key 0, element 0 is dropped at every rate above 0, which is one element, not a bias of
 * the mask.
 */
public final class DropoutMask {

    /** 2³² divided by the golden ratio: consecutive indices land far apart before the hash. */
    public static final int GOLDEN = 0x9E3779B9;
    /** The first multiplier of lowbias32. */
    public static final int MULTIPLY_1 = 0x7feb352d;
    /** The second multiplier of lowbias32. */
    public static final int MULTIPLY_2 = 0x846ca68b;
    /** Bits of the hash compared with the threshold (the top ones): {@code h >>> (32 − BITS)}. */
    public static final int BITS = 24;

    private DropoutMask() {
    }

    /** The 32-bit key of a 64-bit seed: both halves count, so seeds differing only above bit 31 differ. */
    public static int key(long seed) {
        return (int) seed ^ (int) (seed >>> 32);
    }

    /** The hash h of element {@code index} under {@code key} (all 32 bits; the mask reads the top 24). */
    public static int bits(int key, int index) {
        int h = key + index * GOLDEN;
        h ^= h >>> 16;
        h *= MULTIPLY_1;
        h ^= h >>> 15;
        h *= MULTIPLY_2;
        h ^= h >>> 16;
        return h;
    }

    /**
     * round(rate·2²⁴), the number of the 2²⁴ values of {@code h >>> 8} that drop an element;
     * at most 2²⁴ − 1 for a rate below 1, so some element can always be kept.
     */
    public static int threshold(float rate) {
        Shapes.dropoutRate(rate);
        return (int) Math.round(rate * (double) (1 << BITS));
    }

    /** 1 / (1 − rate) in float: kept elements are multiplied by it, so E[y] = x. */
    public static float scale(float rate) {
        Shapes.dropoutRate(rate);
        return 1f / (1f - rate);
    }

    /** Whether element {@code index} is kept under {@code key} and {@code threshold}. */
    public static boolean kept(int key, int index, int threshold) {
        return bits(key, index) >>> (32 - BITS) >= threshold;
    }

    /** y for one element: {@code x·scale} where kept, {@code 0f} where dropped. */
    public static float apply(float x, int key, int index, int threshold, float scale) {
        return kept(key, index, threshold) ? x * scale : 0f;
    }
}
