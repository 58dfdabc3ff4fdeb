package org.deltaprop.spark;

import org.apache.spark.TaskContext;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Network;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A task that fails in the middle of its local steps is retried by Spark, and the run ends with the
 * very weights of a run in which nothing failed: the retry starts again from the broadcast weights,
 * optimizer state and step count, not from what the failed attempt left in the executor's worker.
 * (Two partitions: the sum of two results is the same in either order, so the comparison is exact.)
 */
class RetriedTaskTest {

    /** Failures injected so far; the test runs in the same JVM as local mode's executor. */
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @Test
    void aTaskThatFailsOnceIsRetriedWithTheSameResult() throws Exception {
        ArrayDataset data = GradientAveragingExactnessTest.blobs(400, 10, 4, 11);
        SparkTrainingOptions options = new SparkTrainingOptions(DataColumns.vector("features", "label"))
                .hidden(List.of(12), Activation.RELU)
                .training(TrainingOptions.of(20, Optimizer.adam(0.01), 9))
                .epochs(2, Schedule.COSINE)
                .mode(SparkTrainingOptions.Mode.LOCAL_SGD, 4);
        Network clean = SparkTrainer.fit(LocalSpark.frame(data, 2), options).model().network();

        FAILURES.set(0);
        options.taskHook((round, partition, step) -> {
            if (round == 3 && partition == 1 && step == 2 && TaskContext.get().attemptNumber() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure: round 3, partition 1, after local step 2");
            }
        });
        Network retried = SparkTrainer.fit(LocalSpark.frame(data, 2), options).model().network();

        assertEquals(1, FAILURES.get(), "the injected failure should have happened exactly once");
        for (int h = 1; h <= clean.architecture().depth(); h++) {
            assertArrayEquals(clean.weights(h), retried.weights(h), "W" + h);
            assertArrayEquals(clean.bias(h), retried.bias(h), "b" + h);
        }
    }
}
