package org.deltaprop.io;

import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Network;

/**
 * What a model file holds: the network (architecture and weights), the feature scaling
 * fitted on its training data, and the number of classes (0 for regression).
 */
public record Model(Network network, Scaling scaling, int classes) {
}
