package org.deltaprop.train;

import java.util.Locale;

/**
 * Which update rule training uses, and its hyper-parameters. The rules themselves are
 * backend operations ({@code sgdUpdate}, {@code momentumUpdate}, {@code adamUpdate});
 * {@link OptimizerState} holds what they remember between steps.
 */
public record Optimizer(Kind kind, double learningRate, double momentum, double beta1, double beta2, double epsilon) {

    public enum Kind { SGD, MOMENTUM, ADAM }

    public Optimizer {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam's β₁ and β₂ must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Adam's ε must be positive, got " + epsilon);
        }
    }

    /** Plain gradient descent, W ← W − η·∂E/∂W. */
    public static Optimizer sgd(double learningRate) {
        return new Optimizer(Kind.SGD, learningRate, 0, 0.9, 0.999, 1e-8);
    }

    /** Gradient descent with momentum μ (PyTorch's form). */
    public static Optimizer momentum(double learningRate, double momentum) {
        return new Optimizer(Kind.MOMENTUM, learningRate, momentum, 0.9, 0.999, 1e-8);
    }

    /** Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (the usual defaults). */
    public static Optimizer adam(double learningRate) {
        return new Optimizer(Kind.ADAM, learningRate, 0, 0.9, 0.999, 1e-8);
    }

    /** The same rule with another learning rate. */
    public Optimizer withLearningRate(double rate) {
        return new Optimizer(kind, rate, momentum, beta1, beta2, epsilon);
    }

    /** The kind by its command-line name: sgd, momentum or adam. */
    public static Kind parseKind(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "sgd" -> Kind.SGD;
            case "momentum" -> Kind.MOMENTUM;
            case "adam" -> Kind.ADAM;
            default -> throw new IllegalArgumentException("unknown optimizer '" + text + "': use sgd, momentum or adam");
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SGD -> "sgd(lr=" + learningRate + ")";
            case MOMENTUM -> "momentum(lr=" + learningRate + ", μ=" + momentum + ")";
            case ADAM -> "adam(lr=" + learningRate + ", β₁=" + beta1 + ", β₂=" + beta2 + ", ε=" + epsilon + ")";
        };
    }
}
