package org.deltaprop.train.optimizer;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.util.List;
import java.util.Map;

/** Gradient descent, p ← p − η·g (docs/MATH.md §7). */
public record Sgd(double learningRate) implements Optimizer {

    public Sgd {
        Optimizer.checkLearningRate(learningRate);
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Optimizer withLearningRate(double rate) {
        return new Sgd(rate);
    }

    @Override
    public Map<String, Double> hyperParameters() {
        return Map.of();
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    @Override
    public void update(Backend backend, float learningRate, long step, Matrix grad, List<Matrix> state, Matrix param) {
        backend.sgdUpdate(learningRate, grad, param);
    }

    @Override
    public String toString() {
        return "sgd(lr=" + learningRate + ")";
    }
}
