package org.deltaprop.cli;

import org.deltaprop.data.Scaling;
import picocli.CommandLine.Option;

/** {@code --scale}: how the features are scaled, a scaling fitted on the training rows or a fixed one. */
public final class ScalingOption {

    @Option(names = "--scale", paramLabel = "standardize|none|D", defaultValue = "standardize",
            description = "Feature scaling, fitted on the training rows and stored in the model: standardise each "
                    + "feature with their mean and deviation, divide by D (e.g. 255 for pixels), or none "
                    + "(default: ${DEFAULT-VALUE}). A store's own statistics (over all its rows) are used when it "
                    + "has them.")
    String scale;

    /** The option as given: standardize, none or a divisor. */
    public String spec() {
        return scale;
    }

    /** The scaling --scale fixes (none, or a divisor), or null for standardize, which is fitted to the data. */
    public Scaling fixed() {
        if (Scaling.isStandardize(scale)) {
            return null;
        }
        if (scale.trim().equalsIgnoreCase("none")) {
            return Scaling.NONE;
        }
        try {
            return Scaling.divideBy(Double.parseDouble(scale.trim()));
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--scale '" + scale + "': use none, standardize or a divisor like 255");
        }
    }
}
