package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * An optimizer bound to a network on a backend: the per-parameter state (velocity, or
 * Adam's two moments) lives on the backend beside the weights, and {@link #step} applies
 * one update to every weight and bias from its gradient.
 */
public final class OptimizerState implements AutoCloseable {

    private final Optimizer optimizer;
    private final Backend backend;
    private final List<Matrix> params = new ArrayList<>();
    private final List<Matrix> grads = new ArrayList<>();
    private final List<Matrix> first = new ArrayList<>();   // velocity (momentum) or m (Adam)
    private final List<Matrix> second = new ArrayList<>();  // v (Adam)
    private long steps;

    public OptimizerState(Optimizer optimizer, DeviceNetwork network) {
        this.optimizer = optimizer;
        this.backend = network.backend();
        for (int h = 1; h <= network.architecture().depth(); h++) {
            add(network.weight(h), network.weightGrad(h));
            add(network.bias(h), network.biasGrad(h));
        }
    }

    private void add(Matrix param, Matrix grad) {
        params.add(param);
        grads.add(grad);
        if (optimizer.kind() != Optimizer.Kind.SGD) {
            first.add(backend.allocate(param.rows(), param.cols()));
        }
        if (optimizer.kind() == Optimizer.Kind.ADAM) {
            second.add(backend.allocate(param.rows(), param.cols()));
        }
    }

    /** One update of every parameter from the gradients the last backward pass left. */
    public void step(double learningRate) {
        steps++;
        float lr = (float) learningRate;
        switch (optimizer.kind()) {
            case SGD -> {
                for (int i = 0; i < params.size(); i++) {
                    backend.sgdUpdate(lr, grads.get(i), params.get(i));
                }
            }
            case MOMENTUM -> {
                for (int i = 0; i < params.size(); i++) {
                    backend.momentumUpdate(lr, (float) optimizer.momentum(), grads.get(i), first.get(i), params.get(i));
                }
            }
            case ADAM -> {
                // Bias corrections in double on the host, so every backend uses the same numbers.
                float c1 = (float) (1 - Math.pow(optimizer.beta1(), steps));
                float c2 = (float) (1 - Math.pow(optimizer.beta2(), steps));
                for (int i = 0; i < params.size(); i++) {
                    backend.adamUpdate(lr, (float) optimizer.beta1(), (float) optimizer.beta2(),
                            (float) optimizer.epsilon(), c1, c2, grads.get(i), first.get(i), second.get(i), params.get(i));
                }
            }
        }
    }

    /**
     * The state kept for parameter i (in the order weight 1, bias 1, weight 2, ...):
     * nothing for SGD, the velocity for momentum, m and v for Adam. Checkpoints save and
     * restore these with copyOut / copyIn.
     */
    public List<Matrix> state(int parameter) {
        return switch (optimizer.kind()) {
            case SGD -> List.of();
            case MOMENTUM -> List.of(first.get(parameter));
            case ADAM -> List.of(first.get(parameter), second.get(parameter));
        };
    }

    /** Names of the state tensors, matching {@link #state}: "velocity", or "m" and "v". */
    public List<String> stateNames() {
        return switch (optimizer.kind()) {
            case SGD -> List.of();
            case MOMENTUM -> List.of("velocity");
            case ADAM -> List.of("m", "v");
        };
    }

    public int parameterCount() {
        return params.size();
    }

    /** Sets the update count when resuming, so Adam's bias correction continues where it stopped. */
    public void restoreSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("negative step count " + steps);
        }
        this.steps = steps;
    }

    /** Releases the optimizer's state on the backend. */
    @Override
    public void close() {
        first.forEach(backend::release);
        second.forEach(backend::release);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Updates applied so far (Adam's t). */
    public long steps() {
        return steps;
    }
}
