package org.deltaprop.train.optimizer;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW, as PyTorch's {@code torch.optim.AdamW} defines it: the weight decay is decoupled from
 * the gradient, p ← p − η·λ·p, and then the Adam update runs on the unchanged gradient
 * (docs/MATH.md §7). Unlike L2 regularisation, the decay never passes through Adam's moments,
 * so every weight decays at the same relative rate. It applies to every parameter, biases
 * included, as in PyTorch's default parameter group.
 */
public record AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        implements Optimizer {

    public AdamW {
        Adam.checkAdam(learningRate, beta1, beta2, epsilon);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a number ≥ 0, got " + weightDecay);
        }
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    public Optimizer withLearningRate(double rate) {
        return new AdamW(rate, beta1, beta2, epsilon, weightDecay);
    }

    /** Adam's, then "weight_decay". */
    @Override
    public Map<String, Double> hyperParameters() {
        Map<String, Double> h = new LinkedHashMap<>(new Adam(learningRate, beta1, beta2, epsilon).hyperParameters());
        h.put("weight_decay", weightDecay);
        return h;
    }

    /** Adam's moments, m and v. */
    @Override
    public List<String> stateNames() {
        return Adam.STATE_NAMES;
    }

    @Override
    public void update(Backend backend, float learningRate, long step, Matrix grad, List<Matrix> state, Matrix param) {
        if (weightDecay != 0) {
            backend.axpy((float) (-learningRate * weightDecay), param, param);   // p ← p − ηλ·p
        }
        Adam.adamStep(backend, learningRate, beta1, beta2, epsilon, step, grad, state, param);
    }

    @Override
    public String toString() {
        return "adamw(lr=" + learningRate + ", β₁=" + beta1 + ", β₂=" + beta2 + ", ε=" + epsilon + ", λ="
                + weightDecay + ")";
    }
}
