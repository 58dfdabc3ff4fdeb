package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.nn.Architecture;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.train.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * An optimizer bound to a network on a backend: the state tensors the optimizer names
 * ({@link Optimizer#stateNames}) live on the backend beside the weights, one set per parameter,
 * and {@link #step} applies one update to every parameter from its gradient. Where the backend
 * packs the parameters, their gradients and each state tensor into one allocation apiece
 * ({@link PackedMatrices}, laid out alike), the update runs once over the wholes: one operation,
 * one kernel launch on a device, instead of one per parameter. Every update is element-wise, so
 * each value gets the same arithmetic either way.
 */
public final class OptimizerState implements AutoCloseable {

    private final Optimizer optimizer;
    private final Backend backend;
    private final PackedMatrices params;
    private final List<PackedMatrices> packedState = new ArrayList<>();    // one pack per state name
    private final List<List<Matrix>> state = new ArrayList<>();            // per parameter, by state name
    private final List<Matrix> wholeState;          // per state name, the whole of its pack; null unless all packed
    private long steps;

    public OptimizerState(Optimizer optimizer, DeviceNetwork network) {
        this.optimizer = optimizer;
        this.backend = network.backend();
        this.params = network.packedParameters();
        for (int s = 0; s < optimizer.stateNames().size(); s++) {
            packedState.add(DeviceNetwork.allocateParameterShaped(backend, network.architecture()));
        }
        for (int i = 0; i < params.parts().size(); i++) {
            int parameter = i;
            state.add(packedState.stream().map(pack -> pack.parts().get(parameter)).toList());
        }
        boolean allPacked = params.packed() && packedState.stream().allMatch(PackedMatrices::packed);
        this.wholeState = allPacked ? packedState.stream().map(PackedMatrices::whole).toList() : null;
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
        if (wholeState != null && gradients.packed().packed()) {
            optimizer.update(backend, (float) learningRate, steps, gradients.packed().whole(), wholeState,
                    params.whole());
            return;
        }
        List<Matrix> grads = gradients.tensors();
        List<Matrix> parts = params.parts();
        for (int i = 0; i < parts.size(); i++) {
            optimizer.update(backend, (float) learningRate, steps, grads.get(i), state.get(i), parts.get(i));
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
        return params.parts().size();
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
        packedState.forEach(pack -> pack.release(backend));
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Updates applied so far (Adam's t). */
    public long steps() {
        return steps;
    }
}
