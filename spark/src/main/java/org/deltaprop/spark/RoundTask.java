package org.deltaprop.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

import java.io.Serializable;

/**
 * A round's work on the partitions of one task: each partition's worker computes from the
 * broadcast state, and their results are summed. A named class rather than a lambda: Spark's
 * closure cleaner skips it, where it would read class files with ASM for every round's job (a
 * driver-side cost of about as much as a 64-step round's compute on two cores).
 */
final class RoundTask extends AbstractFunction2<TaskContext, Iterator<PackedPartition>, RoundResult>
        implements Serializable {

    private static final long serialVersionUID = 1L;

    private final WorkerSpec spec;
    private final Round round;
    private final Broadcast<FloatBlock> state;

    RoundTask(WorkerSpec spec, Round round, Broadcast<FloatBlock> state) {
        this.spec = spec;
        this.round = round;
        this.state = state;
    }

    @Override
    public RoundResult apply(TaskContext task, Iterator<PackedPartition> partitions) {
        RoundResult sum = new RoundResult();
        while (partitions.hasNext()) {
            sum.add(on(partitions.next()));
        }
        return sum;
    }

    /** The round on one partition. */
    RoundResult on(PackedPartition partition) {
        PartitionWorker worker = PartitionWorker.of(spec, partition);
        try {
            return spec.mode() == SparkTrainingOptions.Mode.GRADIENT_AVERAGING
                    ? worker.gradientRound(round, state.value().values)
                    : worker.localRound(round, state.value().values);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("round " + round.number() + " on partition " + partition.index
                    + " failed: " + e.getMessage(), e);
        }
    }
}
