// Where the time of training epochs goes: every backend operation timed to its completion,
// and the host's batch preparation, summed by phase and reported per epoch; on a backend that
// launches device kernels, the launches of each phase per training step.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Collects a breakdown of training epochs: {@link #wrap} gives a {@link Backend} that times each
 * operation up to its completion (it calls {@code synchronize()} after each one, so an
 * asynchronous backend runs its operations one at a time while profiled), and the
 * {@link Trainer} reports the batches' preparation and its epochs. Only time inside epochs is
 * counted: validation and evaluation use the same backend but are left out.
 *
 * <p>The phases of the main thread add up to the epoch; what no phase covers (the loop itself,
 * bookkeeping, the progress bar) is reported as the rest. The batches' preparation is a phase
 * of the main thread when it is done inline, and runs on its own thread, overlapped with the
 * steps, when the trainer prefetches: the report then shows it apart, with the main thread's
 * waits for it.
 *
 * <p>A backend that counts its kernel launches ({@link Backend#kernelLaunches}, the OpenCL one) has
 * them reported per training step, phase by phase and in all: each launch costs a device a few
 * microseconds however little it computes, so with small layers their number bounds the step.
 */
public final class Profiler {

    /** The phases of a training step, in the order the report lists them. */
    public enum Phase {
        FORWARD_GEMM("products X·Wᵀ (+ bias, activation)", true),
        GRADIENT_GEMM("products δᵀ·X (+ bias gradient, δ·W)", true),
        BACKWARD_GEMM("products δ·W (+ δ step)", true),
        OTHER_GEMM("other products", true),
        BIAS_ACTIVATION("bias + activation", false),
        DELTA_STEP("δ step, g ⊙ f'(S)", false),
        DROPOUT("dropout masks", false),
        OUTPUT_DELTA("output X·Wᵀ + δ, loss (+ sum, count)", false),
        ROW_SUMS("row sums (bias gradients, loss)", false),
        COUNT_CORRECT("counting correct predictions", false),
        L2("L2 term", false),
        UPDATE("optimizer updates", false),
        UPLOAD("batch upload", false),
        GATHER("batch gather on the device", false),
        READ_BACK("read-back", false),
        PREPARE("batch gather + scaling", false),
        WAIT("waiting for the next batch", false);

        private final String label;
        private final boolean product;

        Phase(String label, boolean product) {
            this.label = label;
            this.product = product;
        }
    }

    private final Map<Phase, long[]> totals = new EnumMap<>(Phase.class);   // {nanos, calls, launches}, counted epochs
    private final Map<Phase, Double> flops = new EnumMap<>(Phase.class);
    private final Map<Phase, long[]> current = new EnumMap<>(Phase.class);  // the epoch running now
    private final Map<Phase, Double> currentFlops = new EnumMap<>(Phase.class);
    private volatile boolean active;
    private boolean background;            // the preparation ran on the prefetch thread
    private boolean countsLaunches;        // the backend reported its kernel launches
    private int epochs;                    // counted in the totals
    private double epochSeconds;
    private long steps;                    // training steps of the counted epochs
    private long currentSteps;
    private double firstSeconds = -1;      // the first epoch, held apart: it includes the JIT's warm-up
    private Map<Phase, long[]> first;
    private Map<Phase, Double> firstFlops;
    private long firstSteps;

    /** {@code backend} with every operation timed into this profiler while an epoch runs. */
    public Backend wrap(Backend backend) {
        return new TimedBackend(backend, this);
    }

    /** The profiler behind a backend made by {@link #wrap}, or null. */
    static Profiler of(Backend backend) {
        return backend instanceof TimedBackend timed ? timed.profiler() : null;
    }

    synchronized void epochStarted(boolean prefetching) {
        background |= prefetching;
        current.clear();
        currentFlops.clear();
        currentSteps = 0;
        active = true;
    }

    /**
     * Files the epoch that ran: the first one apart (it includes compiling the kernels), every
     * later one into the totals. The report uses the first only when it is the only one.
     */
    synchronized void epochFinished(double seconds) {
        active = false;
        if (firstSeconds < 0) {
            firstSeconds = seconds;
            first = new EnumMap<>(current);
            firstFlops = new EnumMap<>(currentFlops);
            firstSteps = currentSteps;
            return;
        }
        epochs++;
        epochSeconds += seconds;
        steps += currentSteps;
        current.forEach((phase, t) -> {
            long[] sum = totals.computeIfAbsent(phase, p -> new long[3]);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += t[i];
            }
        });
        currentFlops.forEach((phase, f) -> flops.merge(phase, f, Double::sum));
    }

    boolean active() {
        return active;
    }

    /** Adds one timed call of {@code phase} that launched no kernel; safe from the prefetch thread. */
    synchronized void record(Phase phase, long nanos, double flopCount) {
        record(phase, nanos, flopCount, -1);
    }

    /** Adds one timed call of {@code phase} that launched {@code launches} kernels (-1: not counted). */
    synchronized void record(Phase phase, long nanos, double flopCount, long launches) {
        long[] t = current.computeIfAbsent(phase, p -> new long[3]);
        t[0] += nanos;
        t[1]++;
        if (launches >= 0) {
            t[2] += launches;
            countsLaunches = true;
        }
        if (flopCount > 0) {
            currentFlops.merge(phase, flopCount, Double::sum);
        }
    }

    /** Counts one training step of the epoch running now, the denominator of the launches per step. */
    synchronized void stepFinished() {
        currentSteps++;
    }

    /**
     * Kernel launches of {@code phase} per training step, in the epochs the report would use; -1
     * when the backend does not count its launches.
     */
    public synchronized double launchesPerStep(Phase phase) {
        long[] t = (epochs > 0 ? totals : first).get(phase);
        return !countsLaunches ? -1 : t == null ? 0 : (double) t[2] / Math.max(1, epochs > 0 ? steps : firstSteps);
    }

    /** Kernel launches per training step over all phases; -1 when the backend does not count them. */
    public synchronized double launchesPerStep() {
        if (!countsLaunches) {
            return -1;
        }
        double sum = 0;
        for (Phase phase : Phase.values()) {
            sum += launchesPerStep(phase);
        }
        return sum;
    }

    /** Calls of {@code phase} per epoch, in the epochs the report would use. */
    synchronized long callsPerEpoch(Phase phase) {
        long[] t = (epochs > 0 ? totals : first).get(phase);
        return t == null ? 0 : t[1] / Math.max(1, epochs);
    }

    /** Flops of {@code phase} per epoch, in the epochs the report would use. */
    synchronized double flopsPerEpoch(Phase phase) {
        return (epochs > 0 ? flops : firstFlops).getOrDefault(phase, 0.0) / Math.max(1, epochs);
    }

    /** The breakdown per epoch, one line per phase, for the terminal. */
    public synchronized String report() {
        if (firstSeconds < 0) {
            return "profile: no epoch was trained\n";
        }
        StringBuilder out = new StringBuilder();
        Map<Phase, long[]> totals = this.totals;
        Map<Phase, Double> flops = this.flops;
        int epochs = this.epochs;
        double epochSeconds = this.epochSeconds;
        long steps = this.steps;
        if (epochs == 0) {
            totals = first;
            flops = firstFlops;
            epochs = 1;
            epochSeconds = firstSeconds;
            steps = firstSteps;
            out.append("profile: one epoch, which includes the JIT's warm-up; train for two or more to leave it out\n");
        } else {
            out.append(String.format(Locale.ROOT, "profile: epochs after the first (%.3f s, which includes the JIT's "
                    + "warm-up)%n", firstSeconds));
        }
        double perEpoch = epochSeconds / epochs;
        out.append(String.format(Locale.ROOT, "profile: mean of %d epoch%s, %.3f s each; operations timed to "
                + "completion%n", epochs, epochs == 1 ? "" : "s", perEpoch));
        out.append(String.format(Locale.ROOT, "  %-36s %9s %7s %9s %9s%s%n", "phase", "s/epoch", "share", "calls",
                "GFLOP/s", countsLaunches ? String.format(Locale.ROOT, " %14s", "launches/step") : ""));
        double accounted = 0;
        double productSeconds = 0;
        double productFlops = 0;
        for (Phase phase : Phase.values()) {
            long[] t = totals.get(phase);
            if (t == null) {
                continue;
            }
            double seconds = t[0] / 1e9 / epochs;
            boolean overlapped = phase == Phase.PREPARE && background;
            if (!overlapped) {
                accounted += seconds;
            }
            String rate = countsLaunches ? String.format(Locale.ROOT, "%9s", "") : "";   // keeps the launches' column
            if (phase.product) {
                double f = flops.getOrDefault(phase, 0.0) / epochs;
                productSeconds += seconds;
                productFlops += f;
                rate = String.format(Locale.ROOT, "%9.1f", f / seconds / 1e9);
            }
            String launches = countsLaunches && t[2] > 0
                    ? String.format(Locale.ROOT, " %14.2f", (double) t[2] / Math.max(1, steps)) : "";
            out.append(String.format(Locale.ROOT, "  %-36s %9.4f %6.1f%% %9d %s%s%s", phase.label, seconds,
                    overlapped ? 0.0 : 100 * seconds / perEpoch, t[1] / epochs, rate, launches,
                    overlapped ? "  (on the prefetch thread, overlapped)" : "").stripTrailing()).append('\n');
        }
        double rest = perEpoch - accounted;
        out.append(String.format(Locale.ROOT, "  %-36s %9.4f %6.1f%%%n", "the rest (loop, bookkeeping)", rest,
                100 * rest / perEpoch));
        if (productSeconds > 0) {
            out.append(String.format(Locale.ROOT, "  all products: %.2f GFLOP per epoch in %.3f s (%.1f GFLOP/s), "
                    + "%.1f%% of the epoch%n", productFlops / 1e9, productSeconds, productFlops / productSeconds / 1e9,
                    100 * productSeconds / perEpoch));
        }
        if (countsLaunches) {
            long launches = totals.values().stream().mapToLong(t -> t[2]).sum();
            out.append(String.format(Locale.ROOT, "  kernel launches: %.2f per training step (%d steps per epoch)%n",
                    (double) launches / Math.max(1, steps), steps / epochs));
        }
        return out.toString();
    }
}
