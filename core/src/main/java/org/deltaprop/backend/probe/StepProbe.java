package org.deltaprop.backend.probe;

import org.deltaprop.backend.Backend;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.GradientStep;
import org.deltaprop.train.TrainingOptions;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Times training steps of a workload's shape on one backend, on synthetic data, with a network and
 * optimizer state of its own that it frees afterwards: the job's data, weights and random draws are
 * never touched, so a run trains the same whether or not it was probed first.
 *
 * <p>Steps run in blocks, each ended by {@link Backend#synchronize} (an asynchronous backend is
 * timed to the completion of its work, while the steps within a block overlap as the trainer's
 * do), each long enough ({@link Limits#blockMillis}) for the clock to resolve it. The step time
 * has settled when the last {@link Limits#settleBlocks} blocks agree within {@link Limits#spread}
 * and the JIT spent less than {@link Limits#jitShare} of their time compiling: the Vector API's
 * kernels run boxed, many times slower, until C2 has compiled them, and the steps in between
 * can hold steady for a while at a rate they later leave far behind. The probe stops when the
 * step time has settled, when it has spent {@link Limits#maxMillis} on steps, or when it has taken
 * as many steps as the job has.
 */
final class StepProbe {

    /** The synthetic data and the network's initial weights: fixed, so that probes compare like with like. */
    private static final long SEED = 0x5EEDL;
    /** The probe's learning rate: small enough that the weights barely move, so every step computes the same. */
    private static final double LEARNING_RATE = 1e-6;
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** How long to probe: the bounds of the loop described above. */
    record Limits(double blockMillis, int settleBlocks, double spread, double jitShare, double maxMillis) {

        Limits withMaxMillis(double millis) {
            return new Limits(blockMillis, settleBlocks, spread, jitShare, millis);
        }
    }

    /**
     * A started backend (the caller closes it) and what it was measured to cost; {@code setupMillis},
     * {@code stepsMillis} and {@code steps} are the raw figures the timing came from, so that a
     * probe continued later ({@link #resume}) can account for all of them.
     */
    record Probed(Backend backend, Timing timing, double setupMillis, double stepsMillis, long steps) {
    }

    /** One block of steps: how many, their time, and the JIT's compiling time meanwhile. */
    record Block(long steps, double millis, double jitMillis) {
        double stepMillis() {
            return millis / steps;
        }
    }

    private StepProbe() {
    }

    /**
     * Starts a backend with {@code start} and times steps of {@code workload} on it. Starting it,
     * allocating the network and optimizer state, and the steps' time beyond their final rate make the
     * timing's start-up; the median of the last blocks is its step time.
     */
    static Probed measure(String name, Supplier<Backend> start, Workload workload, Limits limits) {
        long begin = System.nanoTime();
        Backend backend = start.get();
        try {
            return time(name, backend, workload, limits, begin, null);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    /**
     * Times more steps on the backend {@code earlier} measured, for a step time that had not
     * settled: its start-up then counts everything before the new final rate, in both probes.
     */
    static Probed resume(Probed earlier, Workload workload, Limits limits) {
        return time(earlier.timing().backend(), earlier.backend(), workload, limits, System.nanoTime(), earlier);
    }

    private static Probed time(String name, Backend backend, Workload workload, Limits limits, long begin,
                               Probed earlier) {
        int batch = workload.batch();
        int inputs = workload.architecture().inputs();
        int outputs = workload.architecture().outputs();
        SplittableRandom random = new SplittableRandom(SEED);
        float[] x = new float[batch * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        float[] t = new float[batch * outputs];    // one-hot rows (0 or 1 for one output): targets every loss takes
        for (int r = 0; r < batch; r++) {
            t[r * outputs + (outputs > 1 ? random.nextInt(outputs) : 0)] = outputs > 1 || random.nextBoolean() ? 1 : 0;
        }
        TrainingOptions options = TrainingOptions.of(batch, workload.optimizer().withLearningRate(LEARNING_RATE), SEED);
        try (DeviceNetwork network = new DeviceNetwork(backend, Network.initialize(workload.architecture(), SEED), batch);
             GradientStep step = new GradientStep(network, options)) {
            backend.synchronize();
            double setupMillis = millisSince(begin);
            List<Block> blocks = new ArrayList<>();
            long stepsBefore = earlier == null ? 0 : earlier.steps();
            double spent = 0;
            long steps = 0;
            long blockSteps = 1;
            boolean settled;
            while (true) {
                long jitBefore = compileMillis();
                long blockStart = System.nanoTime();
                for (long i = 0; i < blockSteps; i++) {
                    network.loadBatch(x, t, batch);
                    step.gradientsOfLoaded(batch, network.gradients(), false, null);
                    step.apply(network.gradients(), LEARNING_RATE);
                }
                backend.synchronize();
                Block block = new Block(blockSteps, Math.max(millisSince(blockStart), 1e-6),
                        compileMillis() - jitBefore);
                blocks.add(block);
                spent += block.millis();
                steps += blockSteps;
                settled = settled(blocks, limits);
                long stepsLeft = workload.steps() - stepsBefore - steps;
                if (settled || spent >= limits.maxMillis() || stepsLeft <= 0) {
                    break;
                }
                // The next block long enough to time, and no longer than what is left of the probe.
                double perStep = block.stepMillis();
                double wanted = Math.min(limits.blockMillis(), Math.max(limits.maxMillis() - spent, perStep));
                blockSteps = Math.max(1, Math.min(stepsLeft, (long) Math.ceil(wanted / perStep)));
            }
            List<Block> last = blocks.subList(Math.max(0, blocks.size() - limits.settleBlocks()), blocks.size());
            double stepMillis = median(last.stream().mapToDouble(Block::stepMillis).toArray());
            double allSetup = earlier == null ? setupMillis : earlier.setupMillis();
            double allSteps = spent + (earlier == null ? 0 : earlier.stepsMillis());
            long allStepCount = steps + stepsBefore;
            double warmUp = Math.max(0, allSteps - allStepCount * stepMillis);
            Timing timing = new Timing(name, allSetup + warmUp, stepMillis, (int) Math.min(Integer.MAX_VALUE,
                    allStepCount), settled);
            return new Probed(backend, timing, allSetup, allSteps, allStepCount);
        }
    }

    /**
     * Whether the last blocks' step times agree within the spread while the JIT compiled for less
     * than its share of their time: nothing is left to speed the steps up.
     */
    static boolean settled(List<Block> blocks, Limits limits) {
        int n = limits.settleBlocks();
        if (blocks.size() < n) {
            return false;
        }
        List<Block> last = blocks.subList(blocks.size() - n, blocks.size());
        double min = last.stream().mapToDouble(Block::stepMillis).min().orElseThrow();
        double max = last.stream().mapToDouble(Block::stepMillis).max().orElseThrow();
        double millis = last.stream().mapToDouble(Block::millis).sum();
        double jit = last.stream().mapToDouble(Block::jitMillis).sum();
        return max <= min * (1 + limits.spread()) && jit <= limits.jitShare() * millis;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The JIT's compiling time so far, summed over its threads; 0 where the JVM does not say. */
    private static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
