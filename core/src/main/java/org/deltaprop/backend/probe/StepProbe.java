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
 * has settled when the last {@link Limits#settleBlocks} blocks agree within {@link Limits#spread},
 * the JIT spent less than {@link Limits#jitShare} of their time compiling, and the steps allocate
 * little ({@link #settled}): the Vector API's kernels run boxed, many times slower, until C2 has
 * compiled them, and the steps in between can hold steady for a while at a rate they later leave
 * far behind. The probe stops when the
 * step time has settled, when it has spent {@link Limits#maxMillis} on steps, or when it has taken
 * as many steps as the job has.
 */
final class StepProbe {

    /** The synthetic data and the network's initial weights: fixed, so that probes compare like with like. */
    private static final long SEED = 0x5EEDL;
    /** The probe's learning rate: small enough that the weights barely move, so every step computes the same. */
    private static final double LEARNING_RATE = 1e-6;
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final com.sun.management.ThreadMXBean ALLOCATION =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() ? t : null;
    /**
     * The most a settled step may allocate: a fixed part for the objects any backend makes per step
     * (JOCL's for its kernel launches: about 15 KB a step of 784-256-128-10) and a quarter of a byte
     * per multiply-add. A Vector API kernel not yet compiled by C2 boxes every vector it computes,
     * about 5 bytes per multiply-add (2.6 MB a step of 4-8-3 at batch 128, against 230 bytes once compiled).
     */
    static final double SETTLED_BYTES = 64 * 1024;
    static final double SETTLED_BYTES_PER_MULTIPLY_ADD = 0.25;

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

    /**
     * One block of steps: how many, their time, the JIT's compiling time meanwhile and the bytes
     * allocated by every thread (-1 where the JVM does not count them).
     */
    record Block(long steps, double millis, double jitMillis, long allocatedBytes) {
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
            double multiplyAddsPerStep = 3.0 * workload.architecture().parameterCount() * batch;
            long stepsBefore = earlier == null ? 0 : earlier.steps();
            double spent = 0;
            long steps = 0;
            long blockSteps = 1;
            boolean settled;
            while (true) {
                long jitBefore = compileMillis();
                long allocatedBefore = allocatedBytes();
                long blockStart = System.nanoTime();
                for (long i = 0; i < blockSteps; i++) {
                    network.loadBatch(x, t, batch);
                    step.gradientsOfLoaded(batch, network.gradients(), false, null);
                    step.apply(network.gradients(), LEARNING_RATE);
                }
                backend.synchronize();
                Block block = new Block(blockSteps, Math.max(millisSince(blockStart), 1e-6),
                        compileMillis() - jitBefore, allocatedBefore < 0 ? -1 : allocatedBytes() - allocatedBefore);
                blocks.add(block);
                spent += block.millis();
                steps += blockSteps;
                settled = settled(blocks, limits, multiplyAddsPerStep);
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
     * than its share of their time and the steps allocated no more than a compiled step does
     * ({@link #SETTLED_BYTES}): nothing is left to speed them up. Under load the JIT's threads may
     * wait for a core with kernels queued, compiling nothing, while boxed steps hold steady; what
     * they allocate gives them away.
     */
    static boolean settled(List<Block> blocks, Limits limits, double multiplyAddsPerStep) {
        int n = limits.settleBlocks();
        if (blocks.size() < n) {
            return false;
        }
        List<Block> last = blocks.subList(blocks.size() - n, blocks.size());
        double min = last.stream().mapToDouble(Block::stepMillis).min().orElseThrow();
        double max = last.stream().mapToDouble(Block::stepMillis).max().orElseThrow();
        double millis = last.stream().mapToDouble(Block::millis).sum();
        double jit = last.stream().mapToDouble(Block::jitMillis).sum();
        long steps = last.stream().mapToLong(Block::steps).sum();
        boolean counted = last.stream().allMatch(b -> b.allocatedBytes() >= 0);
        double bytesPerStep = counted ? last.stream().mapToLong(Block::allocatedBytes).sum() / (double) steps : 0;
        return max <= min * (1 + limits.spread()) && jit <= limits.jitShare() * millis
                && bytesPerStep <= SETTLED_BYTES + SETTLED_BYTES_PER_MULTIPLY_ADD * multiplyAddsPerStep;
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

    /** The bytes every thread of the JVM has allocated so far; -1 where the JVM does not say. */
    private static long allocatedBytes() {
        try {
            return ALLOCATION != null && ALLOCATION.isThreadAllocatedMemoryEnabled()
                    ? ALLOCATION.getTotalThreadAllocatedBytes() : -1;
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
