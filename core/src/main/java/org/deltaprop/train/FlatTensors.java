package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;

import java.util.List;

/** Backend tensors to and from one flat array, tensor after tensor, each row-major. */
final class FlatTensors {

    private FlatTensors() {
    }

    static int size(List<Matrix> tensors) {
        long total = 0;
        for (Matrix m : tensors) {
            total += m.size();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException(total + " values do not fit in one Java array");
        }
        return (int) total;
    }

    static float[] toArray(Backend backend, List<Matrix> tensors) {
        float[] values = new float[size(tensors)];
        int offset = 0;
        for (Matrix m : tensors) {
            backend.copyOut(m, values, offset);
            offset += m.size();
        }
        return values;
    }

    static void fromArray(Backend backend, List<Matrix> tensors, float[] values, String what) {
        int expected = size(tensors);
        if (values.length != expected) {
            throw new IllegalArgumentException("the " + what + " take " + expected + " values, got " + values.length);
        }
        int offset = 0;
        for (Matrix m : tensors) {
            backend.copyIn(values, offset, m);
            offset += m.size();
        }
    }
}
