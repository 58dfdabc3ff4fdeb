package org.deltaprop.io;

import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Network;

import java.util.List;

/**
 * What a model file holds: the network (architecture and weights), the feature scaling
 * fitted on its training data, the number of classes (0 for regression), the scaling of the
 * regression targets (the network predicts them scaled; {@link Scaling#invert} gives them back
 * in their units), and the names of the features and classes when the training data had them.
 */
public record Model(Network network, Scaling scaling, int classes, Scaling targetScaling, List<String> featureNames,
                    List<String> classNames) {

    public Model {
        featureNames = List.copyOf(featureNames);
        classNames = List.copyOf(classNames);
        int inputs = network.architecture().inputs();
        if (!featureNames.isEmpty() && featureNames.size() != inputs) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + inputs + " inputs");
        }
        if (!classNames.isEmpty() && classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
        }
        if (classes > 0 && targetScaling.kind() != Scaling.Kind.NONE) {
            throw new IllegalArgumentException("a classifier's targets are not scaled");
        }
    }

    /** A model without names and with unscaled targets. */
    public Model(Network network, Scaling scaling, int classes) {
        this(network, scaling, classes, Scaling.NONE, List.of(), List.of());
    }

    /** The same model with other weights (of the same architecture): a checkpoint's, a run's result. */
    public Model withNetwork(Network other) {
        return new Model(other, scaling, classes, targetScaling, featureNames, classNames);
    }

    /** Class {@code k}'s name, or its number when the classes have no names. */
    public String className(int k) {
        return classNames.isEmpty() ? Integer.toString(k) : classNames.get(k);
    }
}
