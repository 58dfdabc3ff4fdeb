// The vector widths the simd tests run at: all three, on every machine.
package org.deltaprop.backend.simd;

import java.util.stream.IntStream;

/**
 * 128, 256 and 512 bits, whatever this CPU's preferred width: a width wider than the CPU's
 * runs emulated by the Vector API in plain Java, with the same lane arithmetic and results but
 * many times more slowly, so an AVX2 machine tests the 512-bit code paths too (and an AVX-512
 * machine the narrow ones natively). Shapes in the tests that use it are kept small enough for
 * the emulated runs.
 */
final class SimdWidths {

    private SimdWidths() {
    }

    /** Every width the simd backend has code for. */
    static IntStream all() {
        return IntStream.of(128, 256, 512);
    }

    /** A simd backend at {@code bits}, emulated where that is wider than this CPU's vectors. */
    static SimdBackend backend(int bits, int threads) {
        return SimdBackend.emulatingWiderVectors(bits, threads);
    }
}
