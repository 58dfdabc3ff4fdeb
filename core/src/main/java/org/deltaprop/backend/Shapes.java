package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Checks every backend runs before an operation, so that each one rejects a bad call with the
 * same message: a closed backend, or tensors of the wrong owner or shape (named, with their shapes).
 */
public final class Shapes {

    // The names of the operands that must all have one shape, as the messages give them.
    private static final List<String> ACTIVATION_BACKWARD = List.of("S", "X", "G", "δ");
    private static final List<String> OUTPUT_DELTA = List.of("S", "Y", "T (targets)", "δ");
    private static final List<String> COUNT_CORRECT = List.of("Y", "T (targets)");

    private Shapes() {
    }

    /**
     * Throws {@link IllegalStateException} naming the backend when it is closed: every backend
     * refuses every operation after {@link Backend#close} with this message.
     */
    public static void notClosed(Backend backend, boolean closed) {
        if (closed) {
            throw new IllegalStateException("backend " + backend.name()
                    + " is closed: no operation may follow close()");
        }
    }

    /** Throws unless {@code m} was allocated by {@code backend}. */
    public static void owned(Backend backend, Matrix m, String name) {
        if (m == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (m.backend() != backend) {
            throw new IllegalArgumentException(name + " (" + m.shape() + ") belongs to backend "
                    + m.backend().name() + ", not to " + backend.name() + ": allocate it with the backend that uses it");
        }
    }

    /** Checks the shapes of {@link Backend#allocatePacked}: one row count per column count. */
    public static void packed(int[] rows, int[] cols) {
        if (rows.length != cols.length) {
            throw new IllegalArgumentException("allocatePacked: " + rows.length + " row counts but " + cols.length
                    + " column counts; give one of each per matrix");
        }
    }

    public static void same(Matrix a, String aName, Matrix b, String bName) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(aName + " is " + a.shape() + " but " + bName + " is " + b.shape()
                    + "; they must have the same shape");
        }
    }

    public static void copy(Backend backend, float[] array, int offset, Matrix m, String what) {
        owned(backend, m, what);
        if (offset < 0 || (long) offset + m.size() > array.length) {
            throw new IllegalArgumentException(what + ": a " + m.shape() + " matrix needs " + m.size()
                    + " floats from offset " + offset + ", but the array has " + array.length);
        }
    }

    /**
     * Checks dst row i ← source row rows[offset + i]: both matrices the backend's and as wide, the
     * indices there and each a row of source, so that no device ever reads past the data.
     */
    public static void gather(Backend backend, Matrix source, int[] rows, int offset, Matrix dst) {
        owned(backend, source, "gather source");
        owned(backend, dst, "gather destination");
        if (source == dst) {
            throw new IllegalArgumentException("gather: the destination must not be the source");
        }
        if (source.cols() != dst.cols()) {
            throw new IllegalArgumentException("gather: the source is " + source.shape() + " but the destination is "
                    + dst.shape() + "; rows are copied whole, so both must have the same columns");
        }
        if (rows == null || offset < 0 || (long) offset + dst.rows() > rows.length) {
            throw new IllegalArgumentException("gather: a destination of " + dst.rows() + " rows needs as many indices "
                    + "from offset " + offset + ", but the array has " + (rows == null ? "none" : rows.length));
        }
        for (int i = offset; i < offset + dst.rows(); i++) {
            if (rows[i] < 0 || rows[i] >= source.rows()) {
                throw new IllegalArgumentException("gather: index " + i + " is row " + rows[i] + ", but the source has "
                        + "rows 0.." + (source.rows() - 1));
            }
        }
    }

    /** Checks C ← α·op(A)·op(B) + β·C. */
    public static void gemm(Backend backend, boolean transA, boolean transB, Matrix a, Matrix b, Matrix c) {
        owned(backend, a, "A");
        owned(backend, b, "B");
        owned(backend, c, "C");
        int m = transA ? a.cols() : a.rows();
        int ka = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (ka != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) is " + m + "×" + ka + ", op(B) is " + kb + "×" + n
                    + ", C is " + c.shape() + " (transA=" + transA + ", transB=" + transB
                    + "): need op(A) m×k, op(B) k×n, C m×n");
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException("gemm: C must not be A or B");
        }
    }

    public static void biasActivation(Backend backend, Matrix bias, Matrix s, Matrix x) {
        owned(backend, bias, "bias");
        owned(backend, s, "S");
        owned(backend, x, "X");
        if (bias.rows() != 1 || bias.cols() != s.cols()) {
            throw new IllegalArgumentException("bias is " + bias.shape() + " but S is " + s.shape()
                    + ": bias must be 1×" + s.cols());
        }
        same(s, "S", x, "X");
    }

    public static void activationBackward(Backend backend, Activation f, Matrix s, Matrix x, Matrix g, Matrix d) {
        if (!f.isElementwise()) {
            throw new IllegalArgumentException("activationBackward: " + f + " has no element-wise derivative "
                    + "(softmax belongs in the output layer, with categorical cross-entropy)");
        }
        alike(backend, ACTIVATION_BACKWARD::get, s, x, g, d);
    }

    public static void outputDelta(Backend backend, Loss loss, Activation f, Matrix s, Matrix y, Matrix t,
                                   Matrix delta, Matrix rowLoss) {
        loss.checkOutput(f);
        alike(backend, OUTPUT_DELTA::get, s, y, t, delta);
        owned(backend, rowLoss, "rowLoss");
        if (rowLoss.rows() != s.rows() || rowLoss.cols() != 1) {
            throw new IllegalArgumentException("rowLoss is " + rowLoss.shape() + " but must be " + s.rows() + "×1");
        }
    }

    public static void sumRows(Backend backend, Matrix a, Matrix out) {
        owned(backend, a, "A");
        owned(backend, out, "out");
        if (out.rows() != 1 || out.cols() != a.cols()) {
            throw new IllegalArgumentException("sumRows: A is " + a.shape() + ", out is " + out.shape()
                    + ": out must be 1×" + a.cols());
        }
    }

    public static void countCorrect(Backend backend, Matrix y, Matrix t, Matrix count) {
        alike(backend, COUNT_CORRECT::get, y, t);
        owned(backend, count, "count");
        if (count.rows() != 1 || count.cols() != 1) {
            throw new IllegalArgumentException("countCorrect: count is " + count.shape() + " but must be 1×1");
        }
    }

    /** Checks dropout: a rate in [0, 1), X and Y the same shape (Y may be X). */
    public static void dropout(Backend backend, float rate, Matrix x, Matrix y) {
        dropoutRate(rate);
        owned(backend, x, "dropout X");
        owned(backend, y, "dropout Y");
        same(x, "dropout X", y, "dropout Y");
    }

    /**
     * Throws unless 0 ≤ rate < 1 (NaN fails): at rate 1 nothing is kept and the scale
     * 1 / (1 − rate) is infinite.
     */
    public static void dropoutRate(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate " + rate + " is out of range: it must be at least 0 "
                    + "and below 1 (the probability of dropping an element)");
        }
    }

    /** Checks an element-wise operation whose operands all have the shape of the first. */
    public static void elementwise(Backend backend, String op, Matrix... operands) {
        alike(backend, i -> op + " operand " + i, operands);
    }

    /**
     * Throws unless every one of {@code operands} belongs to {@code backend} and has the shape of the
     * first; {@code name} names operand i in the messages.
     */
    private static void alike(Backend backend, IntFunction<String> name, Matrix... operands) {
        for (int i = 0; i < operands.length; i++) {
            owned(backend, operands[i], name.apply(i));
        }
        for (int i = 1; i < operands.length; i++) {
            same(operands[0], name.apply(0), operands[i], name.apply(i));
        }
    }
}
