package org.deltaprop.cli;

import org.deltaprop.data.Scaling;
import org.deltaprop.train.Evaluator;

import java.util.Locale;

/** How train --test and eval print an evaluation: accuracy for classes, the errors in the targets' units for regression. */
final class Metrics {

    private Metrics() {
    }

    /**
     * "loss L, accuracy A", or "MSE m, RMSE r, MAE a, R² q, loss L", the loss said to be on
     * standardised targets when they are.
     */
    static String summary(Evaluator.Evaluation e, Scaling targetScaling) {
        if (e.regression() == null) {
            return String.format(Locale.ROOT, "loss %.4f, accuracy %.4f", e.loss(), e.accuracy());
        }
        Evaluator.Errors r = e.regression();
        return String.format(Locale.ROOT, "MSE %.6g, RMSE %.6g, MAE %.6g, R² %.4f, loss %.4f%s", r.mse(), r.rmse(),
                r.mae(), r.r2(), e.loss(), targetScaling.kind() == Scaling.Kind.NONE ? ""
                        : " (on the standardised targets)");
    }
}
