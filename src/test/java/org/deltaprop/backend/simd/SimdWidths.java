// The vector widths this CPU can run the simd backend at, for tests parameterized over them.
package org.deltaprop.backend.simd;

import java.util.stream.IntStream;

final class SimdWidths {

    private SimdWidths() {
    }

    /** 128, 256 and 512 up to the CPU's preferred width: 128 and 256 on AVX2, all three on AVX-512. */
    static IntStream supported() {
        return IntStream.of(128, 256, 512).filter(bits -> bits <= Specializer.preferredBits());
    }
}
