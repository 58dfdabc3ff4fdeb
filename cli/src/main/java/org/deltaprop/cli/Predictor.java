package org.deltaprop.cli;

import org.deltaprop.data.Dataset;
import org.deltaprop.io.Model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks shared by train (--test, --init), eval and predict: the data must have the model's inputs. */
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

    /**
     * When both the model and the data name their features (the training file's header and this
     * file's), they must be the same names in the same order: a column missing, added or moved
     * would otherwise feed one feature's values to another's weights.
     */
    static void checkColumns(List<String> expected, Dataset data, Path file) {
        List<String> actual = data.featureNames();
        if (expected.isEmpty() || actual.isEmpty() || expected.equals(actual)) {
            return;
        }
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(actual);
        List<String> unknown = new ArrayList<>(actual);
        unknown.removeAll(expected);
        if (missing.isEmpty() && unknown.isEmpty() && actual.size() == expected.size()) {
            int i = 0;
            while (actual.get(i).equals(expected.get(i))) {
                i++;
            }
            throw new Main.UserException(file + " has the model's feature columns in another order: feature "
                    + (i + 1) + " is '" + actual.get(i) + "' where the model was trained on '" + expected.get(i)
                    + "'; put the columns in the model's order: " + list(expected));
        }
        StringBuilder problem = new StringBuilder(file.toString());
        if (!missing.isEmpty()) {
            problem.append(" lacks the feature column").append(missing.size() > 1 ? "s " : " ").append(list(missing))
                    .append(" that the model was trained on");
        }
        if (!unknown.isEmpty()) {
            problem.append(missing.isEmpty() ? "" : ", and").append(" has the column")
                    .append(unknown.size() > 1 ? "s " : " ").append(list(unknown)).append(" that the model does not "
                            + "know (a class or target column is named with --label-column)");
        }
        throw new Main.UserException(problem.append("; the model's features are ").append(list(expected)).toString());
    }

    private static String list(List<String> names) {
        String all = "'" + String.join("', '", names.subList(0, Math.min(12, names.size()))) + "'";
        return names.size() > 12 ? all + ", ... (" + names.size() + " in all)" : all;
    }
}
