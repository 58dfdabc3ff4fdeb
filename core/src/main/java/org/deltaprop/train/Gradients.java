package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.nn.Architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * The gradient of every parameter of a network, on its backend: ∂E/∂Wʰ (nʰ × nʰ⁻¹) and ∂E/∂bʰ
 * (1 × nʰ) for h = 1..L, in the order W¹, b¹, W², b², ... — the order of PyTorch's
 * {@code parameters()} for the same {@code nn.Sequential}, so {@link #toArray} matches
 * {@code parameters_to_vector}. {@link GradientStep#gradients} fills or adds to them;
 * {@link GradientStep#apply} hands them to the optimizer. The flat arrays are for
 * data-parallel training: gradients computed on several shards are summed as arrays and
 * loaded back with {@link #fromArray}.
 */
public final class Gradients implements AutoCloseable {

    private final Backend backend;
    private final PackedMatrices packed;
    private final List<Matrix> tensors;

    Gradients(Backend backend, Architecture architecture) {
        this.backend = backend;
        this.packed = DeviceNetwork.allocateParameterShaped(backend, architecture);
        this.tensors = packed.parts();   // unmodifiable, so tensors() hands it out without a copy per step
    }

    /** The bytes of each buffer the constructor allocates, in its order (W¹, b¹, W², ...). */
    static List<Long> bufferBytes(Architecture architecture) {
        List<Long> bytes = new ArrayList<>();
        for (int h = 1; h <= architecture.depth(); h++) {
            bytes.add(DeviceFootprint.matrixBytes(architecture.units(h), architecture.units(h - 1)));
            bytes.add(DeviceFootprint.matrixBytes(1, architecture.units(h)));
        }
        return bytes;
    }

    /** ∂E/∂Wʰ, h = 1..L. */
    public Matrix weight(int h) {
        return tensors.get(2 * h - 2);
    }

    /** ∂E/∂bʰ, h = 1..L. */
    public Matrix bias(int h) {
        return tensors.get(2 * h - 1);
    }

    /** The tensors in parameter order (W¹, b¹, W², ...). */
    public List<Matrix> tensors() {
        return tensors;
    }

    /** The tensors with, where the backend packs them, the one matrix over all of them (as the parameters'). */
    PackedMatrices packed() {
        return packed;
    }

    /** The number of values over all tensors. */
    public int size() {
        return FlatTensors.size(tensors);
    }

    /** Every value, tensor after tensor in parameter order, each row-major (waits for queued work). */
    public float[] toArray() {
        return FlatTensors.toArray(backend, tensors);
    }

    /** Loads every tensor from a flat array laid out as {@link #toArray} writes it. */
    public void fromArray(float[] values) {
        FlatTensors.fromArray(backend, tensors, values, "gradients");
    }

    @Override
    public void close() {
        packed.release(backend);
    }
}
