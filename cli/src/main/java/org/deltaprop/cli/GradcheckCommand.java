package org.deltaprop.cli;

import org.deltaprop.backend.Backend;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.GradientCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code deltaprop gradcheck}: backpropagation on a backend against finite differences. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a backend's backpropagation against central finite differences of the loss, "
                + "computed in double precision on the host, for a network of your choice on random data.",
                "Exits with status 1 if any tensor's error exceeds --tolerance.",
                "",
                "Example:  deltaprop gradcheck --sizes 20-16-8-4 --activations tanh,relu,softmax --loss cce "
                        + "--backend simd"})
final class GradcheckCommand implements Callable<Integer> {

    // Options that several commands share are mixins (BackendOptions, ModelOption, CsvOptions,
    // BatchErrorOptions); the declarations of the others look alike only in picocli's form.
    @Option(names = "--sizes", paramLabel = "N-N-...", defaultValue = "8-16-12-4",
            description = "Layer sizes, inputs first (default: ${DEFAULT-VALUE}).")
    String sizes;

    @Option(names = "--activations", paramLabel = "F", split = ",", splitSynopsisLabel = ",", defaultValue = "tanh,gudermannian,softmax",
            description = "One activation per layer after the inputs (default: ${DEFAULT-VALUE}).")
    List<String> activations;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "cce",
            description = "cce, bce, half-sse or sse (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--rows", paramLabel = "B", defaultValue = "8", description = "Batch rows (default: ${DEFAULT-VALUE}).")
    int rows;

    @Mixin
    BatchErrorOptions batchError;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "50",
            description = "Entries checked per tensor, sampled when larger (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-3",
            description = "Largest acceptable max|bp − fd| / max|fd| per tensor (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed for weights and data.")
    long seed;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() {
        if (rows < 1 || samples < 1) {
            throw new IllegalArgumentException("--rows and --samples must be at least 1");
        }
        Loss l = Loss.parse(loss);
        Architecture arch = Architecture.of(sizes, l, activations.stream().map(Activation::parse)
                .toArray(Activation[]::new));
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * arch.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        float[] t = new float[rows * arch.outputs()];
        for (int n = 0; n < rows; n++) {
            if (l == Loss.CATEGORICAL_CROSS_ENTROPY) {
                t[n * arch.outputs() + random.nextInt(arch.outputs())] = 1;
            } else {
                for (int k = 0; k < arch.outputs(); k++) {
                    t[n * arch.outputs() + k] = (float) random.nextDouble();
                }
            }
        }
        GradientCheck.Report report;
        try (Backend b = backend.open().backend()) {
            report = GradientCheck.check(b, Network.initialize(arch, seed), x, t, rows, batchError.reduction(),
                    batchError.l2, samples, seed);
        }
        System.out.println(arch + ", " + rows + " rows, " + batchError.reduction
                + (batchError.l2 > 0 ? ", L2 " + batchError.l2 : ""));
        System.out.printf(Locale.ROOT, "%-10s %8s %14s %14s %12s%n", "tensor", "checked", "max|grad|", "max|bp − fd|",
                "relative");
        for (GradientCheck.TensorReport r : report.tensors()) {
            System.out.printf(Locale.ROOT, "%-10s %8d %14.6e %14.6e %12.3e%s%n", r.name(), r.checked(), r.maxGradient(),
                    r.maxAbsError(), r.relativeError(), r.relativeError() > tolerance ? "  FAIL" : "");
        }
        boolean ok = report.worstRelativeError() <= tolerance;
        System.out.printf(Locale.ROOT, "%s: worst relative error %.3e (tolerance %.0e)%n", ok ? "pass" : "FAIL",
                report.worstRelativeError(), tolerance);
        return ok ? 0 : 1;
    }
}
