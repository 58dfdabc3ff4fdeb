package org.deltaprop.spark;

import org.apache.spark.TaskContext;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.Matrix;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.GradientStep;
import org.deltaprop.train.Gradients;
import org.deltaprop.train.OptimizerState;
import org.deltaprop.train.TrainingOptions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor's side of one partition: a backend on as many threads as the task has cores (so
 * that the tasks of an executor share its cores instead of oversubscribing them), the network with
 * its gradients and optimizer state on it, and the partition's rows, scaled as the model will
 * scale them. Workers are kept per executor JVM between rounds, so the network's buffers, the
 * backend's threads and the JIT's compiled kernels live as long as the run; but every round loads
 * all it computes from (weights, optimizer state, step and draw counts) from the broadcast, so a
 * retried or moved task computes exactly what the first attempt would have.
 */
final class PartitionWorker implements AutoCloseable {

    private static final Map<String, PartitionWorker> WORKERS = new ConcurrentHashMap<>();

    private final WorkerSpec spec;
    private final int partition;
    private final int rows;
    private final Dataset data;
    private final Backend backend;
    private final DeviceNetwork device;
    private final GradientStep step;
    private final Gradients gradients;
    private final Matrix lossSum;
    private final Matrix correct;            // null for regression
    private final GradientStep.Tally tally;
    private final int batch;
    private final float[] x;
    private final float[] t;
    private final int[] shard;               // gradient averaging: this partition's rows of the batch
    private int[] order;                     // the epoch's order: global (gradient averaging) or local
    private int orderEpoch;

    private PartitionWorker(WorkerSpec spec, PackedPartition packed) {
        this.spec = spec;
        this.partition = packed.index;
        this.rows = packed.rows;
        this.data = Scaling.fromJson(spec.scaling()).applyTo(packed.dataset(spec.classes()));
        TaskContext task = TaskContext.get();
        this.backend = Backends.select(spec.backend(), task != null ? task.cpus() : 1).backend();
        TrainingOptions options = spec.training();
        this.batch = spec.batch();
        this.device = new DeviceNetwork(backend, Network.initialize(spec.architecture(), 0), batch);
        this.step = new GradientStep(device, new TrainingOptions(options.batchSize(), options.reduction(),
                options.l2(), options.optimizer(), spec.partitionSeed(partition), options.order()));
        this.gradients = device.gradients();
        this.lossSum = backend.allocate(1, 1);
        this.correct = spec.classes() > 0 ? backend.allocate(1, 1) : null;
        this.tally = new GradientStep.Tally(lossSum, correct);
        this.x = new float[batch * spec.architecture().inputs()];
        this.t = new float[batch * spec.architecture().outputs()];
        this.shard = new int[batch];
    }

    /** This executor's worker for the partition, made on its first round. */
    static PartitionWorker of(WorkerSpec spec, PackedPartition packed) {
        return WORKERS.computeIfAbsent(spec.run() + "/" + packed.index, key -> new PartitionWorker(spec, packed));
    }

    /** Closes this executor's workers of the run (the driver runs it over every partition at the end). */
    static void release(String run, int partition) {
        PartitionWorker worker = WORKERS.remove(run + "/" + partition);
        if (worker != null) {
            worker.close();
        }
    }

    /**
     * Gradient averaging: the gradient of this partition's rows of global batch {@code round.index()}
     * (the batches cut from the epoch's order as the single-machine trainer cuts them), as their
     * share of the whole batch's, at the broadcast weights. Empty when no row of the batch is here.
     */
    synchronized RoundResult gradientRound(Round round, float[] parameters) throws Exception {
        if (orderEpoch != round.epoch() || order == null) {
            order = new int[spec.totalRows()];
            spec.training().order().fill(order, spec.training().seed(), round.epoch());
            orderEpoch = round.epoch();
        }
        int from = round.index() * batch;
        int batchRows = Math.min(batch, order.length - from);
        long first = spec.offsets()[partition];
        int here = 0;
        for (int i = from; i < from + batchRows; i++) {
            long row = order[i] - first;
            if (row >= 0 && row < rows) {
                shard[here++] = (int) row;
            }
        }
        if (here == 0) {
            return new RoundResult();
        }
        long start = System.nanoTime();
        device.importParameters(parameters);
        step.restoreDraws(round.stepsBefore());
        clearTally();
        data.gather(shard, 0, here, x, t);
        device.loadBatch(x, t, here);
        step.gradientsOfShard(here, batchRows, gradients, false, tally);
        if (spec.hook() != null) {
            spec.hook().afterStep(round.number(), partition, 0);
        }
        return finish(here, gradients.toArray(), 1, start);
    }

    /**
     * Local SGD: steps {@code round.index()·K ..} of this partition's epoch, from the broadcast weights
     * and optimizer state; returns the weights and state after them, times the rows trained on, for
     * the driver's weighted average. Empty once the partition's epoch is done (a smaller partition).
     */
    synchronized RoundResult localRound(Round round, float[] state) throws Exception {
        if (orderEpoch != round.epoch() || order == null) {
            order = new int[rows];
            spec.training().order().fill(order, spec.partitionSeed(partition), round.epoch());
            orderEpoch = round.epoch();
        }
        int stepsInEpoch = (rows + batch - 1) / batch;
        int firstStep = round.index() * spec.localSteps();
        int lastStep = Math.min(stepsInEpoch, firstStep + spec.localSteps());
        if (firstStep >= lastStep) {
            return new RoundResult();
        }
        long start = System.nanoTime();
        OptimizerState optimizer = step.optimizer();
        int parameters = gradients.size();
        float[] weights = new float[parameters];
        float[] optimizerState = new float[state.length - parameters];
        System.arraycopy(state, 0, weights, 0, parameters);
        System.arraycopy(state, parameters, optimizerState, 0, optimizerState.length);
        device.importParameters(weights);
        optimizer.fromArray(optimizerState);
        optimizer.restoreSteps(round.stepsBefore());
        step.restoreDraws(round.stepsBefore());
        clearTally();
        int trained = 0;
        double baseRate = spec.training().optimizer().learningRate();
        for (int s = firstStep; s < lastStep; s++) {
            int from = s * batch;
            int count = Math.min(batch, rows - from);
            data.gather(order, from, count, x, t);
            device.loadBatch(x, t, count);
            step.gradientsOfLoaded(count, gradients, false, tally);
            step.apply(gradients, spec.schedule().rate(baseRate, optimizer.steps(), spec.plannedSteps()));
            trained += count;
            if (spec.hook() != null) {
                spec.hook().afterStep(round.number(), partition, s - firstStep);
            }
        }
        float[] after = new float[state.length];
        System.arraycopy(device.exportParameters(), 0, after, 0, parameters);
        System.arraycopy(optimizer.toArray(), 0, after, parameters, optimizerState.length);
        return finish(trained, after, trained, start);
    }

    private void clearTally() {
        float[] zero = new float[1];
        backend.copyIn(zero, 0, lossSum);
        if (correct != null) {
            backend.copyIn(zero, 0, correct);
        }
    }

    /** The round's result, {@code values} times {@code weight}, with the round's loss, correct count and compute time. */
    private RoundResult finish(int trained, float[] values, float weight, long start) {
        if (weight != 1) {
            for (int i = 0; i < values.length; i++) {
                values[i] *= weight;
            }
        }
        float[] loss = new float[1];
        backend.copyOut(lossSum, loss, 0);
        long right = 0;
        if (correct != null) {
            float[] count = new float[1];
            backend.copyOut(correct, count, 0);
            right = (long) count[0];
        }
        return new RoundResult(trained, values, loss[0], right, System.nanoTime() - start);
    }

    @Override
    public synchronized void close() {
        backend.release(lossSum);
        if (correct != null) {
            backend.release(correct);
        }
        step.close();
        device.close();
        backend.close();
    }
}
