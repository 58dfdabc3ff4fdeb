// The algorithmic reference for the simd backend's GEMM, and its fallback for tiny shapes
// where packing would cost more than it saves: three loops, no blocking, one thread.
package org.deltaprop.backend.simd;

/**
 * The triple loop of the GEMM definition, in float with a fused multiply-add per term.
 * {@link PackedGemm} is tested against it on ragged shapes and every transpose case. The scalar
 * reference has the same loops in double; they are kept apart because the rounding is the point:
 * this one rounds like the packed kernel (bit for bit when k fits one block), that one as little as
 * float32 storage allows.
 */
final class NaiveGemm implements Gemm {

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                     float beta, float[] c) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[p * lda + i] : a[i * lda + p];
                    float bpj = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum = Math.fma(aip, bpj, sum);
                }
                // β = 0 overwrites, so NaN in the old C cannot leak.
                c[i * n + j] = beta == 0 ? sum * alpha : Math.fma(sum, alpha, beta * c[i * n + j]);
            }
        }
    }
}
