package org.deltaprop.backend.probe;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The backend a job of {@code steps} steps should run on: the one whose start-up plus
 * {@code steps} settled steps is least ({@link Timing#costMillis}). The figures are all it goes
 * by, so a tiny network stays on the CPU even beside a GPU: its steps are shorter there than a
 * device's kernel launches and transfers, and the device's start-up is never paid back.
 */
public record Decision(String chosen, List<Timing> timings, long steps) {

    public Decision {
        timings = List.copyOf(timings);
    }

    /** The cheapest of {@code timings} for {@code steps} steps; on a tie the first listed. */
    public static Decision choose(List<Timing> timings, long steps) {
        if (timings.isEmpty()) {
            throw new IllegalArgumentException("no backend timings to choose from");
        }
        Timing best = timings.stream().min(Comparator.comparingDouble(t -> t.costMillis(steps))).orElseThrow();
        return new Decision(best.backend(), timings, steps);
    }

    /** The chosen backend's timing. */
    public Timing chosenTiming() {
        return timings.stream().filter(t -> t.backend().equals(chosen)).findFirst().orElseThrow();
    }

    /**
     * The figures behind the choice, cheapest first, each with its cost for the steps: "simd 0.921
     * ms/step + 2.1 s start-up = 6.4 s; opencl 5.12 ms/step + 1.3 s start-up = 25.3 s; ...".
     */
    public String figures() {
        return timings.stream()
                .sorted(Comparator.comparingDouble(t -> t.costMillis(steps)))
                .map(t -> String.format(Locale.ROOT, "%s = %.1f s", t.summary(), t.costMillis(steps) / 1e3))
                .collect(Collectors.joining("; "));
    }
}
