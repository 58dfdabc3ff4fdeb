// gemm_general: C <- alpha*op(A)*op(B) + beta*C for any shape, one work-item per element of C,
// straight from global memory. The slow twin of gemm.cl: it serves small and skinny products
// (where tiles would be mostly padding) and is what the tiled kernel is tested against.
// Any epilogue of common.cl (EPILOGUE), and split-K (SPLIT_K). Launched as NDRange (N, M) rounded up to work-groups of (TSN, TSM).
// With -D PAIR=1, gemm_general_pair runs a layer's two backward products in one launch (at the end).
// The body is general_element, which both kernels call.

#ifndef TSN
#define TSN 16         // work-group width (columns of C)
#endif
#ifndef TSM
#define TSM 16         // work-group height (rows of C)
#endif
#ifndef PAIR
#define PAIR 0         // 1: also gemm_general_pair, the two backward products of a layer in one launch
#endif

// Element (i, j) of C over K's range [p_lo, p_hi), one fma after another, with the epilogue `epilogue`
// (its operands as store_c_as takes them, and bias_grad: the work-items of column 0 add up op(A)'s row i).
// The transposes and the epilogue are constants wherever it is called, so the branches fold away.
inline void general_element(const int trans_a, const int trans_b, const int epilogue, const int i, const int j,
                            const int M, const int N, const int K, const int p_lo, const int p_hi,
                            const float alpha, const float beta,
                            const __global float* restrict A, const __global float* restrict B, __global float* C,
                            const __global float* bias, __global float* X_out, const __global float* S_in,
                            const __global float* X_in, const int act, const float act_alpha, const float act_beta,
                            const float act_gamma, const float act_lambda, const int finish,
                            __global float* bias_grad) {
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
    store_c_as(epilogue, C, i * N + j, j, alpha, sum, beta, bias, X_out, S_in, X_in, act, act_alpha, act_beta,
               act_gamma, act_lambda, finish);
    if (epilogue == EPI_BIAS_GRADIENT && j == 0) {
        float bias_sum = 0.0f;
        for (int p = p_lo; p < p_hi; p++) {
            bias_sum += A[a_start + p * a_step];
        }
        store_bias_gradient(bias_grad, i, bias_sum, beta);
    }
}

// The bias-gradient operand of the compile-time EPILOGUE, for general_element.
#if EPILOGUE == EPI_BIAS_GRADIENT
#define BIAS_GRAD_OPERAND bias_grad
#else
#define BIAS_GRAD_OPERAND 0
#endif

__kernel __attribute__((reqd_work_group_size(TSN, TSM, 1)))
void gemm_general(const int M, const int N, const int K, const int trans_a, const int trans_b,
                  const float alpha, const float beta,
                  const __global float* restrict A, const __global float* restrict B, __global float* C
                  EPILOGUE_PARAMS SPLIT_PARAMS) {
    K_RANGE(p_lo, p_hi)
    general_element(trans_a, trans_b, EPILOGUE, get_global_id(1), get_global_id(0), M, N, K, p_lo, p_hi, alpha, beta,
                    A, B, C, EPILOGUE_OPERANDS, BIAS_GRAD_OPERAND);
}

#if PAIR
// A layer's two backward products in one launch (-D PAIR=1, built with no EPILOGUE): the work-groups
// whose index along dimension 1 is below groups1 compute C1 = delta^T * X1 + beta1*C1 with the bias
// gradient, the others C2 = (delta * W) .* f'(S, X); each over all of its K with the arithmetic of its
// own launch of gemm_general (and of gemm.cl's, which sums each element in the same order). NDRange
// (the wider N rounded up to TSN, both M extents rounded up to TSM and stacked).
__kernel __attribute__((reqd_work_group_size(TSN, TSM, 1)))
void gemm_general_pair(PAIR_PARAMS) {
    if ((int) get_group_id(1) < groups1) {
        general_element(1, 0, EPI_BIAS_GRADIENT, get_global_id(1), get_global_id(0), M1, N1, K1, 0, K1, 1.0f, beta1,
                        A1, B1, C1, 0, 0, 0, 0, 0, 0.0f, 0.0f, 0.0f, 0.0f, 0, bias_grad);
    } else {
        general_element(0, 0, EPI_DERIVATIVE, (int) get_global_id(1) - groups1 * TSM, get_global_id(0), M2, N2, K2, 0,
                        K2, 1.0f, 0.0f, A2, B2, C2, 0, 0, S, X, act, act_alpha, act_beta, 0.0f, act_lambda, 1, 0);
    }
}
#endif
