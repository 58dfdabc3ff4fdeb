package org.deltaprop.cli;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.demo.ApproximationFigure;
import org.deltaprop.demo.UniversalApproximation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code deltaprop demo}: the universal-approximation figure. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Fit 1-3-1 tanh networks to x², sin(x), |x| and H(x) on 50 points each (after PRML fig. 5.3),",
                "print each final error and write one PNG with the data, the fitted curves and the hidden units."})
final class DemoCommand implements Callable<Integer> {

    // Options that several commands share are mixins (BackendOptions, ModelOption, CsvOptions,
    // BatchErrorOptions); the declarations of the others look alike only in picocli's form.
    @Option(names = {"-o", "--out"}, paramLabel = "PNG", defaultValue = "universal-approximation.png",
            description = "Figure to write (default: ${DEFAULT-VALUE}); written whole or not at all.")
    Path out;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20000",
            description = "Full-batch Adam steps per function (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the data and the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() throws Exception {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        long start = System.nanoTime();
        List<UniversalApproximation.Fit> fits;
        Backends.Selection selection = backend.open();
        try (Backend b = selection.backend()) {
            fits = UniversalApproximation.run(b, seed, steps);
        }
        System.out.println("function   E = ½Σ(y−t)² over 50 points   RMS error");
        for (UniversalApproximation.Fit fit : fits) {
            System.out.printf(Locale.ROOT, "%-10s %26.5f   %9.5f%n", fit.target().name(), fit.error(), fit.rms());
        }
        ApproximationFigure.write(fits, out);
        System.out.printf(Locale.ROOT, "wrote %s (%d steps per function, %.1f s)%n", out.toAbsolutePath(), steps,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
