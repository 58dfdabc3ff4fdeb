package org.deltaprop.nn;

/** One fully-connected layer: {@code units} outputs, each f(Σ w·x + b). */
public record Layer(int units, Activation activation) {

    public Layer {
        if (units < 1) {
            throw new IllegalArgumentException("a layer needs at least 1 unit, got " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("a layer needs an activation");
        }
    }
}
