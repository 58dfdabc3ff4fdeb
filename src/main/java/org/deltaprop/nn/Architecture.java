package org.deltaprop.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a network: n⁰ inputs, then layers h = 1..L with nʰ units and activation fʰ,
 * and the loss the output layer is trained with. Validated on construction: softmax only
 * in the output layer, and an output activation the loss is defined for.
 */
public record Architecture(int inputs, List<Layer> layers, Loss loss) {

    public Architecture {
        if (inputs < 1) {
            throw new IllegalArgumentException("a network needs at least 1 input, got " + inputs);
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        layers = List.copyOf(layers);
        for (int h = 0; h < layers.size() - 1; h++) {
            if (!layers.get(h).activation().isElementwise()) {
                throw new IllegalArgumentException("layer " + (h + 1) + ": softmax is only allowed in the output layer");
            }
        }
        loss.checkOutput(layers.get(layers.size() - 1).activation());
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
            layers.add(new Layer(n[h], activations[h - 1]));
        }
        return new Architecture(n[0], layers, loss);
    }

    /** L, the number of layers with weights. */
    public int depth() {
        return layers.size();
    }

    /** nʰ for h = 0..L (n⁰ is the input width). */
    public int units(int h) {
        return h == 0 ? inputs : layers.get(h - 1).units();
    }

    public int outputs() {
        return units(depth());
    }

    public Activation activation(int h) {
        return layers.get(h - 1).activation();
    }

    public Activation outputActivation() {
        return activation(depth());
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
        for (Layer layer : layers) {
            b.append('-').append(layer.units());
        }
        return b.toString();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(sizes()).append(" [");
        for (int h = 0; h < layers.size(); h++) {
            b.append(h == 0 ? "" : ", ").append(layers.get(h).activation());
        }
        return b.append("], loss ").append(loss).toString();
    }
}
