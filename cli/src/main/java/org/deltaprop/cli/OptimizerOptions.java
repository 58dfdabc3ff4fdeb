package org.deltaprop.cli;

import org.deltaprop.train.Schedule;
import org.deltaprop.train.optimizer.Optimizer;
import org.deltaprop.train.optimizer.Optimizers;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --optimizer}, {@code --lr}, {@code --momentum}, {@code --weight-decay} and
 * {@code --schedule}: the update rule and its learning rate over the run.
 */
public final class OptimizerOptions {

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|adam|adamw", defaultValue = "adam",
            description = "Update rule (default: ${DEFAULT-VALUE}); adamw is Adam with decoupled weight decay.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate η (default: 0.001 for adam and adamw, 0.1 for sgd, 0.01 for momentum).")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "MU",
            description = "Momentum μ for --optimizer momentum (default: 0.9).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "Decoupled weight decay λ for --optimizer adamw, as PyTorch's AdamW (default: 0.01).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "cosine|constant", defaultValue = "cosine",
            description = "Learning rate over the run: cosine decay from --lr to 0, or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    /** The optimizer the options name, with the hyper-parameters given for it; one given for another optimizer is an error. */
    public Optimizer optimizer() {
        Map<String, Double> hyper = new LinkedHashMap<>();
        if (momentum != null) {
            hyper.put("momentum", momentum);
        }
        if (weightDecay != null) {
            hyper.put("weight_decay", weightDecay);
        }
        try {
            return Optimizers.create(optimizer, learningRate, hyper);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--optimizer " + optimizer + ": " + e.getMessage()
                    .replace("hyper-parameter 'momentum'", "--momentum")
                    .replace("hyper-parameter 'weight_decay'", "--weight-decay"));
        }
    }

    public Schedule schedule() {
        return Schedule.parse(schedule);
    }
}
