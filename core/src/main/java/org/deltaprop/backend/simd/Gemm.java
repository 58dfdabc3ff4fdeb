// The GEMM contract inside the simd backend, on plain arrays, so that the fast and the naive
// implementation can be compared directly.
package org.deltaprop.backend.simd;

/**
 * C ← α·op(A)·op(B) + β·C on dense row-major arrays: op(A) is m×k, op(B) is k×n, C is m×n.
 * A is stored k×m when {@code transA}, else m×k; B is stored n×k when {@code transB}, else k×n.
 * With β = 0, C's old contents are ignored (NaN in C does not leak).
 *
 * <p>Both implementations compute an element of C as a chain of fused multiply-adds over p in
 * increasing order, combined with C as {@code fma(acc, α, β·c)}; {@link PackedGemm} splits
 * the chain into k-blocks fixed by k alone. So the two agree bit for bit when k fits one block,
 * and no thread count or tile position ever changes an element.
 */
interface Gemm {

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
              float[] c);
}
