package org.deltaprop.train.optimizer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The optimizers by name, for the command line and checkpoints: each with its default learning
 * rate and a factory from hyper-parameters by name (those missing take their defaults).
 */
public final class Optimizers {

    private record Entry(String name, double defaultLearningRate, BiFunction<Double, Map<String, Double>, Optimizer> make) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("sgd", 0.1, (lr, h) -> new Sgd(lr)),
            new Entry("momentum", 0.01, (lr, h) -> new Momentum(lr, h.getOrDefault("momentum", 0.9))),
            new Entry("adam", 0.001, (lr, h) -> new Adam(lr, h.getOrDefault("beta1", Adam.BETA1),
                    h.getOrDefault("beta2", Adam.BETA2), h.getOrDefault("epsilon", Adam.EPSILON))),
            new Entry("adamw", 0.001, (lr, h) -> new AdamW(lr, h.getOrDefault("beta1", Adam.BETA1),
                    h.getOrDefault("beta2", Adam.BETA2), h.getOrDefault("epsilon", Adam.EPSILON),
                    h.getOrDefault("weight_decay", 0.01))));

    private Optimizers() {
    }

    /** The names, in the order help texts list them. */
    public static List<String> names() {
        return ENTRIES.stream().map(Entry::name).toList();
    }

    /**
     * The named optimizer (case-insensitive) with learning rate {@code learningRate}, or its default
     * when null, and the given hyper-parameters; a name or hyper-parameter it does not have is an
     * {@link IllegalArgumentException} that lists what it has.
     */
    public static Optimizer create(String name, Double learningRate, Map<String, Double> hyperParameters) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        Entry entry = ENTRIES.stream().filter(e -> e.name().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown optimizer '" + name + "': use one of "
                        + String.join(", ", names())));
        Optimizer optimizer = entry.make().apply(learningRate != null ? learningRate : entry.defaultLearningRate(),
                hyperParameters);
        for (String given : hyperParameters.keySet()) {
            if (!optimizer.hyperParameters().containsKey(given)) {
                throw new IllegalArgumentException("optimizer " + entry.name() + " has no hyper-parameter '" + given
                        + "'" + (optimizer.hyperParameters().isEmpty() ? ""
                        : "; it has " + String.join(", ", optimizer.hyperParameters().keySet())));
            }
        }
        return optimizer;
    }

    /** The named optimizer with its defaults. */
    public static Optimizer create(String name) {
        return create(name, null, Map.of());
    }
}
