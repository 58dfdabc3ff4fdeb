package org.deltaprop.nn;

import java.io.Serializable;

import java.util.Locale;

/**
 * An activation function f and its derivative, as tabulated in docs/MATH.md §3.
 *
 * <p>This class is the mathematical definition, evaluated in double precision. The scalar
 * backend calls it directly; faster backends implement the same formulas in their own
 * kernels and are tested against it. {@link #derivative} is written "the cheap way", from
 * f(S) where docs/MATH.md §3 does, and the tests hold every derivative to a central finite
 * difference of {@link #value}.
 *
 * <p>The parameters {@code alpha, beta, gamma, lambda} are used by the generic sigmoid
 * f(S) = α / (1 + e^(−βS+γ)) + λ (docs/MATH.md §3) and are zero for every other kind.
 */
public record Activation(Kind kind, double alpha, double beta, double gamma, double lambda) implements Serializable {

    /** The activation families Deltaprop implements. */
    public enum Kind {
        SIGMOID, TANH, GENERIC_SIGMOID, GUDERMANNIAN, RELU, IDENTITY, SOFTMAX
    }

    public static final Activation SIGMOID = of(Kind.SIGMOID);
    public static final Activation TANH = of(Kind.TANH);
    public static final Activation GUDERMANNIAN = of(Kind.GUDERMANNIAN);
    public static final Activation RELU = of(Kind.RELU);
    public static final Activation IDENTITY = of(Kind.IDENTITY);
    public static final Activation SOFTMAX = of(Kind.SOFTMAX);

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind is null");
        }
        if (kind == Kind.GENERIC_SIGMOID) {
            if (!(alpha != 0 && Double.isFinite(alpha) && Double.isFinite(beta)
                    && Double.isFinite(gamma) && Double.isFinite(lambda))) {
                throw new IllegalArgumentException("generic sigmoid needs finite α, β, γ, λ with α ≠ 0, got "
                        + alpha + ", " + beta + ", " + gamma + ", " + lambda);
            }
        } else if (alpha != 0 || beta != 0 || gamma != 0 || lambda != 0) {
            throw new IllegalArgumentException(kind + " takes no parameters");
        }
    }

    private static Activation of(Kind kind) {
        return new Activation(kind, 0, 0, 0, 0);
    }

    /** The generic sigmoid α / (1 + e^(−βS+γ)) + λ (docs/MATH.md §3); (1, 1, 0, 0) is the logistic sigmoid. */
    public static Activation genericSigmoid(double alpha, double beta, double gamma, double lambda) {
        return new Activation(Kind.GENERIC_SIGMOID, alpha, beta, gamma, lambda);
    }

    /** True for every activation except softmax, whose output at one unit depends on the whole row. */
    public boolean isElementwise() {
        return kind != Kind.SOFTMAX;
    }

    /** f(S). */
    public double value(double s) {
        return switch (kind) {
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-s));
            case TANH -> Math.tanh(s);
            case GENERIC_SIGMOID -> alpha / (1.0 + Math.exp(-beta * s + gamma)) + lambda;
            case GUDERMANNIAN -> 2.0 * Math.atan(Math.tanh(s / 2.0));
            case RELU -> s > 0 ? s : 0.0;
            case IDENTITY -> s;
            case SOFTMAX -> throw new UnsupportedOperationException(
                    "softmax is defined on a whole row; see Backend.biasActivation");
        };
    }

    /**
     * f'(S), given both S and f(S) so that each kind can use its cheapest form.
     * Softmax has no element-wise derivative: it is only used with categorical
     * cross-entropy, whose output δ is y − t.
     */
    public double derivative(double s, double fs) {
        return switch (kind) {
            case SIGMOID -> fs * (1.0 - fs);
            case TANH -> 1.0 - fs * fs;
            // (f − λ), not (f + λ): f − λ = α·u with u the logistic factor (docs/MATH.md §3).
            case GENERIC_SIGMOID -> (beta / alpha) * (fs - lambda) * (alpha + lambda - fs);
            case GUDERMANNIAN -> 1.0 / Math.cosh(s);
            case RELU -> s > 0 ? 1.0 : 0.0;
            case IDENTITY -> 1.0;
            case SOFTMAX -> throw new UnsupportedOperationException(
                    "softmax has no element-wise derivative; pair it with categorical cross-entropy");
        };
    }

    /**
     * Parses the names used on the command line and in model files: {@code sigmoid},
     * {@code tanh}, {@code gudermannian} (or {@code gd}), {@code relu}, {@code identity}
     * (or {@code linear}), {@code softmax}, and {@code gsigmoid(α,β,γ,λ)}.
     */
    public static Activation parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "sigmoid", "logistic": return SIGMOID;
            case "tanh": return TANH;
            case "gudermannian", "gd": return GUDERMANNIAN;
            case "relu": return RELU;
            case "identity", "linear": return IDENTITY;
            case "softmax": return SOFTMAX;
            default: break;
        }
        if (t.startsWith("gsigmoid(") && t.endsWith(")")) {
            String[] parts = t.substring("gsigmoid(".length(), t.length() - 1).split(",");
            if (parts.length == 4) {
                try {
                    return genericSigmoid(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                            Double.parseDouble(parts[2].trim()), Double.parseDouble(parts[3].trim()));
                } catch (NumberFormatException e) {
                    // fall through to the message below
                }
            }
        }
        throw new IllegalArgumentException("unknown activation '" + text + "': use one of sigmoid, tanh, "
                + "gudermannian, relu, identity, softmax, gsigmoid(alpha,beta,gamma,lambda)");
    }

    /** The inverse of {@link #parse}. */
    @Override
    public String toString() {
        if (kind == Kind.GENERIC_SIGMOID) {
            return "gsigmoid(" + fmt(alpha) + "," + fmt(beta) + "," + fmt(gamma) + "," + fmt(lambda) + ")";
        }
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
