package org.deltaprop.io;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;

import java.util.Arrays;
import java.util.List;

/**
 * What a model file holds: the network (architecture and weights), the feature scaling
 * fitted on its training data, the number of classes (0 for regression), the scaling of the
 * regression targets (the network predicts them scaled; {@link Scaling#invert} gives them back
 * in their units), and the names of the features, classes and regression targets when the training
 * data had them.
 *
 * <p>{@link #predict} and {@link #predictClass} take rows of raw features, as the training data
 * had them: the stored scaling is applied first, and regression outputs come back in the
 * targets' units.
 */
public record Model(Network network, Scaling scaling, int classes, Scaling targetScaling, List<String> featureNames,
                    List<String> classNames, List<String> targetNames) {

    public Model {
        featureNames = List.copyOf(featureNames);
        classNames = List.copyOf(classNames);
        targetNames = List.copyOf(targetNames);
        int inputs = network.architecture().inputs();
        if (!featureNames.isEmpty() && featureNames.size() != inputs) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + inputs + " inputs");
        }
        if (!classNames.isEmpty() && classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
        }
        if (!targetNames.isEmpty() && (classes > 0 || targetNames.size() != network.architecture().outputs())) {
            throw new IllegalArgumentException(targetNames.size() + " target names for " + (classes > 0 ? "a classifier"
                    : network.architecture().outputs() + " regression outputs"));
        }
        if (classes > 0 && targetScaling.kind() != Scaling.Kind.NONE) {
            throw new IllegalArgumentException("a classifier's targets are not scaled");
        }
    }

    /** A model without names and with unscaled targets. */
    public Model(Network network, Scaling scaling, int classes) {
        this(network, scaling, classes, Scaling.NONE, List.of(), List.of(), List.of());
    }

    /** The same model with other weights (of the same architecture): a checkpoint's, a run's result. */
    public Model withNetwork(Network other) {
        return new Model(other, scaling, classes, targetScaling, featureNames, classNames, targetNames);
    }

    /** Regression target {@code k}'s name, or y and its number when the targets have no names. */
    public String targetName(int k) {
        return targetNames.isEmpty() ? "y" + k : targetNames.get(k);
    }

    /** Class {@code k}'s name, or its number when the classes have no names. */
    public String className(int k) {
        return classNames.isEmpty() ? Integer.toString(k) : classNames.get(k);
    }

    /**
     * The network's outputs for each row of raw features, on the scalar reference backend (no
     * threads, nothing to warm up: right for a few rows; give a backend for many): class
     * probabilities for a softmax classifier, the predicted values for regression (in the targets'
     * units).
     */
    public float[][] predict(float[][] rows) {
        try (Backend scalar = new ScalarBackend()) {
            return predict(scalar, rows);
        }
    }

    /** {@link #predict(float[][])} on {@code backend}, which stays open. */
    public float[][] predict(Backend backend, float[][] rows) {
        int inputs = network.architecture().inputs();
        int outputs = network.architecture().outputs();
        if (rows.length == 0) {
            return new float[0][];
        }
        float[] x = new float[Math.multiplyExact(rows.length, inputs)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != inputs) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " features; the model takes "
                        + inputs);
            }
            System.arraycopy(rows[i], 0, x, i * inputs, inputs);
        }
        scaling.apply(x, rows.length, inputs);
        float[] y;
        try (DeviceNetwork net = new DeviceNetwork(backend, network, Math.min(1024, rows.length))) {
            y = Evaluator.predict(net, x, rows.length);
        }
        targetScaling.invert(y, rows.length, outputs);
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Arrays.copyOfRange(y, i * outputs, (i + 1) * outputs);
        }
        return out;
    }

    /** The class of each row of raw features (the output of highest value), on the scalar reference backend. */
    public int[] predictClass(float[][] rows) {
        try (Backend scalar = new ScalarBackend()) {
            return predictClass(scalar, rows);
        }
    }

    /** {@link #predictClass(float[][])} on {@code backend}, which stays open. */
    public int[] predictClass(Backend backend, float[][] rows) {
        if (classes == 0) {
            throw new IllegalStateException("a regression model predicts values, not classes: use predict");
        }
        float[][] y = predict(backend, rows);
        int[] predicted = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            predicted[i] = Evaluator.argMax(y[i], 0, y[i].length);
        }
        return predicted;
    }
}
