package org.deltaprop.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The shape of a network: n⁰ inputs, then its layers in order, and the loss the output
 * layer is trained with. The dense layers h = 1..L carry nʰ units and activation fʰ; a
 * dropout layer may follow any dense layer but the last. Validated on construction: softmax
 * only in the output layer, an output activation the loss is defined for, dropout only
 * between dense layers and never twice in a row. Serializable, as the specifications of training
 * are, so that data-parallel training can send it to its workers.
 */
public final class Architecture implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int inputs;
    private final List<Layer> layers;
    private final Loss loss;
    private final List<Layer.Dense> dense;      // [h − 1] = dense layer h
    private final double[] dropoutAfter;        // [h − 1] = the rate of the dropout after dense layer h, or 0

    /** The most values one weight matrix may hold: a Java array stops a little short of 2³¹. */
    public static final long MAX_TENSOR = Integer.MAX_VALUE - 8;

    public Architecture(int inputs, List<Layer> layers, Loss loss) {
        if (inputs < 1) {
            throw new IllegalArgumentException("a network needs at least 1 input, got " + inputs);
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        if (loss == null) {
            throw new IllegalArgumentException("a network needs a loss");
        }
        this.inputs = inputs;
        this.layers = List.copyOf(layers);
        this.loss = loss;
        List<Layer.Dense> denseLayers = new ArrayList<>();
        double[] dropout = new double[this.layers.size()];
        for (int i = 0; i < this.layers.size(); i++) {
            switch (this.layers.get(i)) {
                case Layer.Dense d -> denseLayers.add(d);
                case Layer.Dropout d -> {
                    if (i == 0 || !(this.layers.get(i - 1) instanceof Layer.Dense)) {
                        throw new IllegalArgumentException("layer " + (i + 1) + ": dropout must follow a dense layer");
                    }
                    dropout[denseLayers.size() - 1] = d.rate();
                }
            }
        }
        if (!(this.layers.get(this.layers.size() - 1) instanceof Layer.Dense)) {
            throw new IllegalArgumentException("the last layer must be a dense layer (the outputs), not dropout");
        }
        this.dense = List.copyOf(denseLayers);
        this.dropoutAfter = Arrays.copyOf(dropout, dense.size());
        for (int h = 1; h <= dense.size(); h++) {
            long weights = (long) units(h) * units(h - 1);      // in long: 100000 × 100000 overflows an int
            if (weights > MAX_TENSOR) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "layer %d: %,d × %,d = %,d weights, "
                        + "more than one tensor holds (%,d, a Java array's limit); make the layers narrower", h,
                        units(h), units(h - 1), weights, MAX_TENSOR));
            }
        }
        for (int h = 1; h < dense.size(); h++) {
            if (!dense.get(h - 1).activation().isElementwise()) {
                throw new IllegalArgumentException("layer " + h + ": softmax is only allowed in the output layer");
            }
        }
        loss.checkOutput(outputActivation());
    }

    /**
     * An architecture from layer sizes "784-256-128-10" (inputs first) and one activation per
     * layer after the inputs, e.g. {@code of("2-2-1", Loss.HALF_SUM_OF_SQUARES, SIGMOID, SIGMOID)}.
     */
    public static Architecture of(String sizes, Loss loss, Activation... activations) {
        String[] parts = sizes.trim().split("-");
        int[] n = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                n[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer sizes '" + sizes + "': '" + parts[i]
                        + "' is not a number; write them like 784-256-128-10");
            }
        }
        if (n.length < 2) {
            throw new IllegalArgumentException("layer sizes '" + sizes + "' need inputs and at least one layer, like 4-3");
        }
        if (activations.length != n.length - 1) {
            throw new IllegalArgumentException("layer sizes '" + sizes + "' describe " + (n.length - 1)
                    + " layers but " + activations.length + " activations were given");
        }
        List<Layer> layers = new ArrayList<>();
        for (int h = 1; h < n.length; h++) {
            layers.add(Layer.dense(n[h], activations[h - 1]));
        }
        return new Architecture(n[0], layers, loss);
    }

    /** The same network with dropout at {@code rate} after every hidden layer (none for rate 0), replacing any it had. */
    public Architecture withHiddenDropout(double rate) {
        List<Layer> result = new ArrayList<>();
        for (int h = 1; h <= depth(); h++) {
            result.add(dense.get(h - 1));
            if (h < depth() && rate != 0) {
                result.add(Layer.dropout(rate));
            }
        }
        return new Architecture(inputs, result, loss);
    }

    public int inputs() {
        return inputs;
    }

    /** Every layer in order, dropout included. */
    public List<Layer> layers() {
        return layers;
    }

    public Loss loss() {
        return loss;
    }

    /** L, the number of layers with weights. */
    public int depth() {
        return dense.size();
    }

    /** Dense layer h = 1..L. */
    public Layer.Dense dense(int h) {
        return dense.get(h - 1);
    }

    /** nʰ for h = 0..L (n⁰ is the input width). */
    public int units(int h) {
        return h == 0 ? inputs : dense.get(h - 1).units();
    }

    public int outputs() {
        return units(depth());
    }

    public Activation activation(int h) {
        return dense.get(h - 1).activation();
    }

    public Activation outputActivation() {
        return activation(depth());
    }

    /** The rate of the dropout applied to dense layer h's outputs in training, or 0 where there is none. */
    public double dropoutAfter(int h) {
        return dropoutAfter[h - 1];
    }

    /** Whether any layer is dropout (training then differs from evaluation). */
    public boolean hasDropout() {
        return layers.size() > dense.size();
    }

    /** Number of trainable parameters (weights and biases). */
    public long parameterCount() {
        long count = 0;
        for (int h = 1; h <= depth(); h++) {
            count += (long) units(h) * units(h - 1) + units(h);
        }
        return count;
    }

    /** "784-256-128-10", the sizes in the order data flows. */
    public String sizes() {
        StringBuilder b = new StringBuilder().append(inputs);
        for (Layer.Dense layer : dense) {
            b.append('-').append(layer.units());
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && inputs == a.inputs && layers.equals(a.layers) && loss == a.loss;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputs, layers, loss);
    }

    /** "784-256-128-10 [relu, dropout 0.2, relu, dropout 0.2, softmax], loss cce". */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(sizes()).append(" [");
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            b.append(i == 0 ? "" : ", ").append(layer instanceof Layer.Dense d ? d.activation().toString() : layer);
        }
        return b.append("], loss ").append(loss).toString();
    }
}
