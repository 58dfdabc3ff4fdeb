package org.deltaprop.cli;

import org.deltaprop.io.Model;

import java.nio.file.Path;

/** Checks shared by eval and predict. */
final class Predictor {

    private Predictor() {
    }

    /** The data must have exactly the model's input width. */
    static void checkWidth(Model model, int features, Path file) {
        int inputs = model.network().architecture().inputs();
        if (features != inputs) {
            throw new Main.UserException(file + " has " + features + " features per row but the model takes " + inputs
                    + (features == inputs + 1 ? " (if one column is the label, name it with --label-column)" : ""));
        }
    }
}
