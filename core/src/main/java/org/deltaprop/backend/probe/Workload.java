package org.deltaprop.backend.probe;

import org.deltaprop.nn.Architecture;
import org.deltaprop.train.Training;
import org.deltaprop.train.optimizer.Optimizer;

/**
 * What a training job asks of a backend: the network, the rows per step, the optimizer and how
 * many steps it will take in all. The probe times a step of this shape; the choice weighs each
 * backend's start-up against {@link #steps} of its settled step time.
 */
public record Workload(Architecture architecture, int batch, Optimizer optimizer, long steps) {

    public Workload {
        if (architecture == null || optimizer == null) {
            throw new IllegalArgumentException("a workload needs a network and an optimizer");
        }
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("a workload needs at least 1 row per step and 1 step, got batch "
                    + batch + " and " + steps + " steps");
        }
    }

    /** The job a prepared run will do: its batch over its training rows, for all its epochs. */
    public static Workload of(Training.Plan plan) {
        int rows = plan.training().size();
        int batch = plan.options().effectiveBatch(rows);
        long stepsPerEpoch = (rows + (long) batch - 1) / batch;
        return new Workload(plan.architecture(), batch, plan.options().optimizer(),
                stepsPerEpoch * plan.settings().epochs());
    }

    /**
     * About the multiply-adds of the whole job: three per weight per row (forward, weight
     * gradients, δ back), as {@code Backends.SMALL_JOB} counts them.
     */
    public long multiplyAdds() {
        double work = 3.0 * architecture.parameterCount() * batch * steps;
        return work >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) work;
    }

    /**
     * What makes one step cost what it does, and nothing else (not the step count, which only
     * weighs the figures): the cache's key for the shape, e.g. "784-256-128-10 [relu, relu, softmax],
     * loss cce; batch 128; adam".
     */
    public String shape() {
        return architecture + "; batch " + batch + "; " + optimizer.name();
    }
}
