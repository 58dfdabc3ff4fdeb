package org.deltaprop.train.optimizer;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * An update rule as a strategy: its hyper-parameters, the state tensors it keeps per parameter
 * (by the names checkpoints store them under) and one update of one parameter, written with the
 * backend's operations. The trainer, checkpoints and the command line know optimizers only
 * through this interface and {@link Optimizers}, so a new rule is one class plus its line in
 * {@link Optimizers} (and a backend operation if no existing one computes it). The formulas are
 * in docs/MATH.md §7.
 */
public interface Optimizer extends Serializable {

    /** The name the command line and checkpoints use, e.g. "adamw". */
    String name();

    /** η, the base learning rate (a schedule scales it per step). */
    double learningRate();

    /** The same rule and hyper-parameters with another learning rate. */
    Optimizer withLearningRate(double learningRate);

    /**
     * The hyper-parameters other than η, by the names checkpoints store them under and
     * {@link Optimizers#create} accepts (e.g. "momentum", "beta1", "weight_decay"), in a fixed order.
     */
    Map<String, Double> hyperParameters();

    /** The state tensors kept per parameter, each shaped like it: none, "velocity", or "m" and "v". */
    List<String> stateNames();

    /**
     * One update of one parameter p from its gradient g: {@code state} holds the tensors named by
     * {@link #stateNames}, in that order; {@code step} is t, the 1-based count of updates so far
     * including this one (Adam's bias correction), and {@code learningRate} the step's η.
     */
    void update(Backend backend, float learningRate, long step, Matrix grad, List<Matrix> state, Matrix param);

    /** Plain gradient descent. */
    static Optimizer sgd(double learningRate) {
        return new Sgd(learningRate);
    }

    /** Gradient descent with momentum μ (PyTorch's form). */
    static Optimizer momentum(double learningRate, double momentum) {
        return new Momentum(learningRate, momentum);
    }

    /** Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    static Optimizer adam(double learningRate) {
        return new Adam(learningRate, Adam.BETA1, Adam.BETA2, Adam.EPSILON);
    }

    /** AdamW (decoupled weight decay λ) with Adam's default β₁, β₂, ε. */
    static Optimizer adamW(double learningRate, double weightDecay) {
        return new AdamW(learningRate, Adam.BETA1, Adam.BETA2, Adam.EPSILON, weightDecay);
    }

    /** Throws unless η is a positive finite number. */
    static void checkLearningRate(double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
    }

    /** Throws unless {@code value} is in [0, 1). */
    static void checkFraction(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
        }
    }
}
