package org.deltaprop.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Matrices allocated together by {@link Backend#allocatePacked}: the parts, each used as any
 * matrix, and, where the backend laid them out one after another in one allocation, the whole of
 * it as one more matrix, so that an element-wise operation over every part is one call (on a
 * device, one kernel launch instead of one per part). The whole also covers the padding between
 * the parts, which the backend zero-fills and no operation on a part touches; an element-wise
 * update that maps zeros to zeros (every optimizer's, on a zero gradient and zero state) keeps it
 * zero. Two packs of the same shapes on the same backend have the same layout, so their wholes
 * line up element for element.
 *
 * @param parts the matrices, in the order their shapes were given
 * @param whole the one matrix over all parts, or null where the backend allocated them apart
 */
public record PackedMatrices(List<Matrix> parts, Matrix whole) {

    public PackedMatrices {
        parts = List.copyOf(parts);
    }

    /**
     * The matrices allocated apart, one {@link Backend#allocate} each, with no whole: what a backend
     * that gains nothing by packing gives (and what tests use to compare against packing).
     */
    public static PackedMatrices allocateApart(Backend backend, int[] rows, int[] cols) {
        Shapes.packed(rows, cols);
        List<Matrix> parts = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            parts.add(backend.allocate(rows[i], cols[i]));
        }
        return new PackedMatrices(parts, null);
    }

    /** Whether {@link #whole} spans every part. */
    public boolean packed() {
        return whole != null;
    }

    /** Releases every part and the whole. */
    public void release(Backend backend) {
        parts.forEach(backend::release);
        if (whole != null) {
            backend.release(whole);
        }
    }
}
