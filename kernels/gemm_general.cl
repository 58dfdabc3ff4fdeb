// gemm_general: C <- alpha*op(A)*op(B) + beta*C for any shape, one work-item per element of C,
// straight from global memory. The slow twin of gemm.cl: it serves small and skinny products
// (where tiles would be mostly padding) and is what the tiled kernel is tested against.
// Any epilogue of common.cl (EPILOGUE), and split-K (SPLIT_K). Launched as NDRange (N, M) rounded up to work-groups of (TSN, TSM).

#ifndef TSN
#define TSN 16         // work-group width (columns of C)
#endif
#ifndef TSM
#define TSM 16         // work-group height (rows of C)
#endif

__kernel __attribute__((reqd_work_group_size(TSN, TSM, 1)))
void gemm_general(const int M, const int N, const int K, const int trans_a, const int trans_b,
                  const float alpha, const float beta,
                  const __global float* restrict A, const __global float* restrict B, __global float* C
                  EPILOGUE_PARAMS SPLIT_PARAMS) {
    K_RANGE(p_lo, p_hi)
    const int j = get_global_id(0);
    const int i = get_global_id(1);
    if (i >= M || j >= N) {
        return;
    }
    // op(A)(i, p) and op(B)(p, j) advance by these strides as p grows.
    const int a_start = trans_a ? i : i * K;
    const int a_step = trans_a ? M : 1;
    const int b_start = trans_b ? j * K : j;
    const int b_step = trans_b ? 1 : N;
    float sum = 0.0f;
    for (int p = p_lo; p < p_hi; p++) {
        sum = fma(A[a_start + p * a_step], B[b_start + p * b_step], sum);
    }
    store_c(C, i * N + j, j, alpha, sum, beta EPILOGUE_ARGS);
#if EPILOGUE == EPI_BIAS_GRADIENT
    if (j == 0) {
        float bias_sum = 0.0f;
        for (int p = p_lo; p < p_hi; p++) {
            bias_sum += A[a_start + p * a_step];
        }
        store_bias_gradient(bias_grad, i, bias_sum, beta);
    }
#endif
}
