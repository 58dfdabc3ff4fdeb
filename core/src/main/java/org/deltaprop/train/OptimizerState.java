package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.nn.Architecture;
import org.deltaprop.train.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * An optimizer bound to a network on a backend: the state tensors the optimizer names
 * ({@link Optimizer#stateNames}) live on the backend beside the weights, one set per parameter,
 * and {@link #step} applies one update to every parameter from its gradient.
 */
public final class OptimizerState implements AutoCloseable {

    private final Optimizer optimizer;
    private final Backend backend;
    private final List<Matrix> params;
    private final List<List<Matrix>> state = new ArrayList<>();
    private long steps;

    public OptimizerState(Optimizer optimizer, DeviceNetwork network) {
        this.optimizer = optimizer;
        this.backend = network.backend();
        this.params = network.parameters();
        for (Matrix param : params) {
            List<Matrix> tensors = new ArrayList<>();
            for (int s = 0; s < optimizer.stateNames().size(); s++) {
                tensors.add(backend.allocate(param.rows(), param.cols()));
            }
            state.add(List.copyOf(tensors));
        }
    }

    /** The bytes of the state buffers the constructor allocates: one per state name for each parameter. */
    static List<Long> bufferBytes(Optimizer optimizer, Architecture architecture) {
        List<Long> bytes = new ArrayList<>();
        for (int s = 0; s < optimizer.stateNames().size(); s++) {
            // A parameter's state has its shape, and the gradients have the parameters' shapes.
            bytes.addAll(Gradients.bufferBytes(architecture));
        }
        return bytes;
    }

    /** One update of every parameter from {@code gradients}, at learning rate η. */
    public void step(Gradients gradients, double learningRate) {
        steps++;
        List<Matrix> grads = gradients.tensors();
        for (int i = 0; i < params.size(); i++) {
            optimizer.update(backend, (float) learningRate, steps, grads.get(i), state.get(i), params.get(i));
        }
    }

    /**
     * The state kept for parameter i (in the order weight 1, bias 1, weight 2, ...), named by
     * {@link #stateNames}. Checkpoints save and restore these with copyOut / copyIn.
     */
    public List<Matrix> state(int parameter) {
        return state.get(parameter);
    }

    /**
     * Every state tensor as one flat array: parameter after parameter (weight 1, bias 1, ...), and
     * for each the tensors in {@link #stateNames} order, each row-major. Empty for plain SGD.
     * Local SGD averages these across workers, as it averages the weights.
     */
    public float[] toArray() {
        return FlatTensors.toArray(backend, allTensors());
    }

    /** Loads every state tensor from a flat array laid out as {@link #toArray} writes it. */
    public void fromArray(float[] values) {
        FlatTensors.fromArray(backend, allTensors(), values, "optimizer state tensors");
    }

    private List<Matrix> allTensors() {
        return state.stream().flatMap(List::stream).toList();
    }

    /** The optimizer's names for its state tensors, matching {@link #state}. */
    public List<String> stateNames() {
        return optimizer.stateNames();
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
        state.forEach(tensors -> tensors.forEach(backend::release));
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Updates applied so far (Adam's t). */
    public long steps() {
        return steps;
    }
}
