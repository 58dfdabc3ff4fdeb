package org.deltaprop.nn;

import java.io.Serializable;

/**
 * One stage of a network, in the order data flows through it. The family is sealed: the
 * training loop ({@code DeviceNetwork}), model files and the gradient check switch over it, so a
 * new kind of layer is one record here plus a case in each of those (docs/ARCHITECTURE.md lists them).
 */
public sealed interface Layer extends Serializable permits Layer.Dense, Layer.Dropout {

    /**
     * How many modules this layer stands for in the equivalent PyTorch {@code nn.Sequential}, whose
     * indices name the tensors of model files: a dense layer is a {@code Linear} and its activation, a
     * dropout layer one {@code Dropout}.
     */
    int modules();

    /** A fully-connected layer: {@code units} outputs, each f(Σ w·x + b) (docs/MATH.md §2). */
    record Dense(int units, Activation activation) implements Layer {

        public Dense {
            if (units < 1) {
                throw new IllegalArgumentException("a layer needs at least 1 unit, got " + units);
            }
            if (activation == null) {
                throw new IllegalArgumentException("a layer needs an activation");
            }
        }

        @Override
        public int modules() {
            return 2;
        }

        @Override
        public String toString() {
            return units + " " + activation;
        }
    }

    /**
     * Inverted dropout of the previous layer's outputs with probability {@code rate} in training,
     * nothing in evaluation (docs/MATH.md §8). It has no parameters.
     */
    record Dropout(double rate) implements Layer {

        public Dropout {
            if (!(rate > 0 && rate < 1)) {
                throw new IllegalArgumentException("a dropout rate must be in (0, 1), got " + rate);
            }
        }

        @Override
        public int modules() {
            return 1;
        }

        @Override
        public String toString() {
            return "dropout " + rate;
        }
    }

    static Dense dense(int units, Activation activation) {
        return new Dense(units, activation);
    }

    static Dropout dropout(double rate) {
        return new Dropout(rate);
    }
}
