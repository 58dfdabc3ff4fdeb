package org.deltaprop.nn;

import java.util.Locale;

/**
 * The error functions E of docs/MATH.md §4, per sample, with their output δ = ∂E_n/∂Sᴸ.
 *
 * <p>Every loss is a sum over output units of a per-unit term, which is what
 * {@link #unitLoss} and {@link #unitDelta} evaluate (in double precision; the scalar
 * backend calls them, faster backends implement the same formulas). Cross-entropies are
 * computed from the net input S, never from a rounded probability, so they stay finite
 * where y underflows to 0 or rounds to 1.
 */
public enum Loss {
    /** ½ Σ_k (y_k − t_k)²; δ = (y − t) ⊙ f'(S). */
    HALF_SUM_OF_SQUARES("half-sse"),
    /** Σ_k (y_k − t_k)²; δ = 2 (y − t) ⊙ f'(S). */
    SUM_OF_SQUARES("sse"),
    /** −Σ_k [t_k ln y_k + (1 − t_k) ln(1 − y_k)] with sigmoid outputs; δ = y − t. */
    BINARY_CROSS_ENTROPY("bce"),
    /** −Σ_k t_k ln y_k with a softmax output and targets that sum to 1; δ = y − t. */
    CATEGORICAL_CROSS_ENTROPY("cce");

    private final String cliName;

    Loss(String cliName) {
        this.cliName = cliName;
    }

    /** The short name used on the command line and in model files. */
    public String cliName() {
        return cliName;
    }

    /**
     * Throws unless {@code output} is an output activation this loss is defined with:
     * the squared errors take any element-wise activation, binary cross-entropy needs
     * sigmoid outputs, categorical cross-entropy needs softmax.
     */
    public void checkOutput(Activation output) {
        boolean ok = switch (this) {
            case HALF_SUM_OF_SQUARES, SUM_OF_SQUARES -> output.isElementwise();
            case BINARY_CROSS_ENTROPY -> output.kind() == Activation.Kind.SIGMOID;
            case CATEGORICAL_CROSS_ENTROPY -> output.kind() == Activation.Kind.SOFTMAX;
        };
        if (!ok) {
            String need = switch (this) {
                case HALF_SUM_OF_SQUARES, SUM_OF_SQUARES -> "an element-wise output activation (softmax goes with cce)";
                case BINARY_CROSS_ENTROPY -> "a sigmoid output layer";
                case CATEGORICAL_CROSS_ENTROPY -> "a softmax output layer";
            };
            throw new IllegalArgumentException("loss " + cliName + " needs " + need + ", but the output activation is "
                    + output);
        }
    }

    /**
     * The per-unit term of E_n. {@code logSumExp} is log Σ_j e^(S_j) over the sample's row and
     * is used by categorical cross-entropy only (its term is t·(logSumExp − S) = −t ln y).
     */
    public double unitLoss(double s, double y, double t, double logSumExp) {
        return switch (this) {
            case HALF_SUM_OF_SQUARES -> 0.5 * (y - t) * (y - t);
            case SUM_OF_SQUARES -> (y - t) * (y - t);
            // −[t ln σ(S) + (1 − t) ln(1 − σ(S))] = max(S, 0) − t·S + ln(1 + e^(−|S|))
            case BINARY_CROSS_ENTROPY -> Math.max(s, 0.0) - t * s + Math.log1p(Math.exp(-Math.abs(s)));
            case CATEGORICAL_CROSS_ENTROPY -> t == 0 ? 0.0 : t * (logSumExp - s);
        };
    }

    /** ∂E_n/∂S for one output unit, before the batch scale. */
    public double unitDelta(Activation output, double s, double y, double t) {
        return switch (this) {
            case HALF_SUM_OF_SQUARES -> (y - t) * output.derivative(s, y);
            case SUM_OF_SQUARES -> 2.0 * (y - t) * output.derivative(s, y);
            case BINARY_CROSS_ENTROPY, CATEGORICAL_CROSS_ENTROPY -> y - t;
        };
    }

    public static Loss parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Loss loss : values()) {
            if (loss.cliName.equals(t) || loss.name().toLowerCase(Locale.ROOT).equals(t)) {
                return loss;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + text + "': use one of half-sse, sse, bce, cce");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
