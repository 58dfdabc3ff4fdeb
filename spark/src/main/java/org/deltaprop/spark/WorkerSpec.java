package org.deltaprop.spark;

import org.deltaprop.nn.Architecture;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.TrainingOptions;

import java.io.Serializable;

/**
 * What every training task needs besides the broadcast state, the same for the whole run: sent
 * with each task (it is small), so that any executor can take over any partition.
 *
 * @param run            tells this run's cached workers from another's in the same executor
 * @param batch          rows per step: the global batch, of which a partition's share is at most all
 *                       (gradient averaging), or the global batch's share of one partition (local SGD)
 * @param offsets        the index of each partition's first row in the data set's order
 * @param plannedSteps   the run's updates, over which the schedule runs (per partition for local SGD)
 */
record WorkerSpec(String run, Architecture architecture, TrainingOptions training, String backend, String scaling,
                  int classes, int batch, Schedule schedule, long plannedSteps, SparkTrainingOptions.Mode mode,
                  int localSteps,
                  long[] offsets, int totalRows, TaskHook hook) implements Serializable {

    /** The seed partition {@code p} orders its rows and draws its dropout masks with in local SGD. */
    long partitionSeed(int p) {
        return training.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (p + 1);
    }
}
