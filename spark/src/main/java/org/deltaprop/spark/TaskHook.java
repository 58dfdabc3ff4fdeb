package org.deltaprop.spark;

import java.io.Serializable;

/**
 * Told on the executor after each step a training task takes: the round (counted from the start
 * of the run), the partition, and the step within the round. An exception fails the task
 * attempt, and Spark retries it; every round starts from the broadcast state, so the retry
 * computes what the failed attempt would have.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
    void afterStep(long round, int partition, int step) throws Exception;
}
