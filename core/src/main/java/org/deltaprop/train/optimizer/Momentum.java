package org.deltaprop.train.optimizer;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.util.List;
import java.util.Map;

/** Momentum in PyTorch's form: v ← μ·v + g, p ← p − η·v (docs/MATH.md §7). */
public record Momentum(double learningRate, double momentum) implements Optimizer {

    public Momentum {
        Optimizer.checkLearningRate(learningRate);
        Optimizer.checkFraction("momentum", momentum);
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public Optimizer withLearningRate(double rate) {
        return new Momentum(rate, momentum);
    }

    @Override
    public Map<String, Double> hyperParameters() {
        return Map.of("momentum", momentum);
    }

    @Override
    public List<String> stateNames() {
        return List.of("velocity");
    }

    @Override
    public void update(Backend backend, float learningRate, long step, Matrix grad, List<Matrix> state, Matrix param) {
        backend.momentumUpdate(learningRate, (float) momentum, grad, state.get(0), param);
    }

    @Override
    public String toString() {
        return "momentum(lr=" + learningRate + ", μ=" + momentum + ")";
    }
}
