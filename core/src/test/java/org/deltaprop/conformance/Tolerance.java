package org.deltaprop.conformance;

import org.opentest4j.AssertionFailedError;

import java.util.Locale;

/**
 * The one tolerance rule of the conformance suite: a candidate value x matches the
 * reference r when |x − r| ≤ ATOL + RTOL·|r|, and NaN or an infinity matches only itself.
 *
 * <p>Why these numbers: the reference rounds once per stored value from double sums; a
 * float32 backend rounds once per addition, in its own order. For a dot product of length
 * K ≤ 257 with entries in [−1, 1] (the conformance shapes) the difference is about
 * √K·2⁻²⁴·|partial sums|, i.e. below 1e-5 absolute, and vectorised exp/tanh approximations
 * add a relative 1e-6. RTOL = ATOL = 1e-4 leaves an order of magnitude of headroom over
 * that and stays three orders below what a real bug produces (a dropped tail term, a wrong
 * derivative, a missing scale: errors of 1e-2 or more on these data, see
 * {@link ConformanceCatchesFaultsTest}).
 */
public final class Tolerance {

    public static final double RTOL = 1e-4;
    public static final double ATOL = 1e-4;

    private Tolerance() {
    }

    public static boolean matches(double x, double ref) {
        if (Double.isNaN(ref) || Double.isInfinite(ref)) {
            return Double.compare(x, ref) == 0;
        }
        return !Double.isNaN(x) && Math.abs(x - ref) <= ATOL + RTOL * Math.abs(ref);
    }

    /**
     * Asserts every element matches; on failure names the tensor, the worst element's
     * (row, column), both values, and how many elements failed.
     */
    public static void assertMatches(String tensor, int cols, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionFailedError(tensor + ": " + actual.length + " values, reference has " + expected.length);
        }
        int failures = 0;
        int worst = -1;
        double worstExcess = -1;
        for (int i = 0; i < expected.length; i++) {
            if (!matches(actual[i], expected[i])) {
                failures++;
                double excess = Double.isFinite(actual[i]) && Double.isFinite(expected[i])
                        ? Math.abs(actual[i] - expected[i]) / (ATOL + RTOL * Math.abs(expected[i]))
                        : Double.POSITIVE_INFINITY;
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        if (failures > 0) {
            throw new AssertionFailedError(String.format(Locale.ROOT,
                    "%s: %d of %d values differ from the reference beyond |x − r| ≤ %.0e + %.0e·|r|; "
                            + "worst at (%d, %d): %s vs reference %s",
                    tensor, failures, expected.length, ATOL, RTOL, worst / cols, worst % cols,
                    actual[worst], expected[worst]));
        }
    }
}
