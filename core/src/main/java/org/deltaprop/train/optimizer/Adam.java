package org.deltaprop.train.optimizer;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − η·(m/c₁)/(√(v/c₂) + ε) with
 * c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ (docs/MATH.md §7).
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;
    static final List<String> STATE_NAMES = List.of("m", "v");

    public Adam {
        checkAdam(learningRate, beta1, beta2, epsilon);
    }

    static void checkAdam(double learningRate, double beta1, double beta2, double epsilon) {
        Optimizer.checkLearningRate(learningRate);
        Optimizer.checkFraction("β₁ (beta1)", beta1);
        Optimizer.checkFraction("β₂ (beta2)", beta2);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("ε (epsilon) must be a positive number, got " + epsilon);
        }
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public Optimizer withLearningRate(double rate) {
        return new Adam(rate, beta1, beta2, epsilon);
    }

    @Override
    public Map<String, Double> hyperParameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("epsilon", epsilon);
        return h;
    }

    @Override
    public List<String> stateNames() {
        return STATE_NAMES;
    }

    @Override
    public void update(Backend backend, float learningRate, long step, Matrix grad, List<Matrix> state, Matrix param) {
        adamStep(backend, learningRate, beta1, beta2, epsilon, step, grad, state, param);
    }

    /** The Adam update shared with AdamW; the bias corrections are computed in double on the host, so every backend gets the same floats. */
    static void adamStep(Backend backend, float learningRate, double beta1, double beta2, double epsilon, long step,
                         Matrix grad, List<Matrix> state, Matrix param) {
        float c1 = (float) (1 - Math.pow(beta1, step));
        float c2 = (float) (1 - Math.pow(beta2, step));
        backend.adamUpdate(learningRate, (float) beta1, (float) beta2, (float) epsilon, c1, c2, grad, state.get(0),
                state.get(1), param);
    }

    @Override
    public String toString() {
        return "adam(lr=" + learningRate + ", β₁=" + beta1 + ", β₂=" + beta2 + ", ε=" + epsilon + ")";
    }
}
