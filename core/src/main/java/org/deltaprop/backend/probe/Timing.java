package org.deltaprop.backend.probe;

import java.util.Locale;

/**
 * What a backend costs for one shape of step: {@code startMillis} once (starting the backend,
 * allocating the network, and the JIT's or the driver's warm-up: the time the probe's steps took
 * beyond what they would have at the settled rate), then {@code stepMillis} per step.
 * {@code settled} says whether the step time had stopped falling when the probe ended; a figure
 * that had not is an upper bound.
 */
public record Timing(String backend, double startMillis, double stepMillis, int stepsTimed, boolean settled) {

    public Timing {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a timing needs the backend's name");
        }
        if (!(startMillis >= 0) || !(stepMillis > 0) || !Double.isFinite(startMillis) || !Double.isFinite(stepMillis)
                || stepsTimed < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "timing of %s: start %s ms, step %s ms "
                    + "over %d steps: need a finite start ≥ 0, a step > 0 and at least 1 step", backend, startMillis,
                    stepMillis, stepsTimed));
        }
    }

    /** The backend's time for a job of {@code steps} steps, start-up included, in milliseconds. */
    public double costMillis(long steps) {
        return startMillis + steps * stepMillis;
    }

    /** "simd 0.92 ms/step + 2.1 s start-up", with "(still falling)" for a figure that had not settled. */
    public String summary() {
        return String.format(Locale.ROOT, "%s %s ms/step + %.1f s start-up%s", backend, significant(stepMillis),
                startMillis / 1e3, settled ? "" : " (still falling)");
    }

    /** Three significant digits, without an exponent: 0.00412, 0.921, 12.3, 1234. */
    static String significant(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(value)));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
