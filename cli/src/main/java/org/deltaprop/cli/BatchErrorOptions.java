package org.deltaprop.cli;

import org.deltaprop.nn.Reduction;
import picocli.CommandLine.Option;

/** {@code --l2} and {@code --reduction}: how train, gradcheck and deltaprop-spark train form a batch's error. */
public final class BatchErrorOptions {

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0",
            description = "L2 regularisation λ: adds scale·(λ/2)·Σw² to the loss (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--reduction", paramLabel = "mean|sum", defaultValue = "mean",
            description = "Batch error: mean or sum of per-sample errors (default: ${DEFAULT-VALUE}).")
    String reduction;

    public double l2() {
        return l2;
    }

    public Reduction reduction() {
        return Reduction.parse(reduction);
    }
}
