// common.cl: the definitions the kernel files share. The host builds every program from this file
// followed by the kernel's own, with a #line directive between them so that the compiler's
// messages give the kernel file's own line numbers (ProgramCache).

// The work-group size of the one-dimensional kernels (one work-item per element, or per row for the
// row kernels): the host passes it as -D WGS and rounds the NDRange up to a multiple of it. The
// default only lets a file build without the host's defines.
#ifndef WGS
#define WGS 256
#endif

// Activation kinds, the `kind` argument of bias_activation and activation_backward. The host's
// numbers are KernelCodes.activation's; KernelCodesTest holds the two to each other.
#define ACT_SIGMOID 0
#define ACT_TANH 1
#define ACT_GENERIC_SIGMOID 2   // alpha / (1 + e^(-beta*S + gamma)) + lambda
#define ACT_GUDERMANNIAN 3      // 2 atan(tanh(S / 2))
#define ACT_RELU 4
#define ACT_IDENTITY 5

// f'(S) for the element-wise activations, written the cheap way from X = f(S) where
// nn/Activation.derivative does; activation_backward's delta step and output_delta's squared errors
// both multiply by it, so it is written once.
inline float activation_derivative(const int kind, const float alpha, const float beta, const float lambda,
                                   const float s, const float x) {
    switch (kind) {
        case ACT_SIGMOID: return x * (1.0f - x);
        case ACT_TANH: return 1.0f - x * x;
        // (beta/alpha)(f - lambda)(alpha + lambda - f): f - lambda, not f + lambda (docs/MATH.md section 3).
        case ACT_GENERIC_SIGMOID: return (beta / alpha) * (x - lambda) * (alpha + lambda - x);
        case ACT_GUDERMANNIAN: return 1.0f / cosh(s);
        case ACT_RELU: return s > 0.0f ? 1.0f : 0.0f;
        default: return 1.0f;  // ACT_IDENTITY
    }
}

// f(S) for the element-wise activations: bias_activation and the GEMM kernels' forward epilogue
// both store it, so it is written once and the two give the same bits.
inline float activate(const int kind, const float alpha, const float beta, const float gamma, const float lambda,
                      const float s) {
    switch (kind) {
        case ACT_SIGMOID: return 1.0f / (1.0f + exp(-s));
        case ACT_TANH: return tanh(s);
        case ACT_GENERIC_SIGMOID: return alpha / (1.0f + exp(-beta * s + gamma)) + lambda;
        case ACT_GUDERMANNIAN: return 2.0f * atan(tanh(0.5f * s));
        case ACT_RELU: return s > 0.0f ? s : 0.0f;
        default: return s;  // ACT_IDENTITY
    }
}

// Loss kinds, the `loss` argument of output_delta, named after nn/Loss; the host's numbers are
// KernelCodes.loss's.
#define LOSS_HALF_SUM_OF_SQUARES 0
#define LOSS_SUM_OF_SQUARES 1
#define LOSS_BINARY_CROSS_ENTROPY 2
#define LOSS_CATEGORICAL_CROSS_ENTROPY 3

// One row of the output layer: D's row (scale * dE_n/dS) and E_n, returned. output_delta and
// output_step both run it, so their bits are the same; see output_delta.cl for the formulas.
inline float output_delta_row(const int i, const int cols, const int loss, const float scale,
                              const int act, const float alpha, const float beta, const float lambda,
                              const __global float* S, const __global float* Y, const __global float* T,
                              __global float* D) {
    const __global float* s = S + i * cols;
    const __global float* y = Y + i * cols;
    const __global float* t = T + i * cols;
    __global float* d = D + i * cols;

    float log_sum_exp = 0.0f;
    if (loss == LOSS_CATEGORICAL_CROSS_ENTROPY) {
        float max = -INFINITY;
        for (int j = 0; j < cols; j++) {
            max = fmax(max, s[j]);
        }
        float sum = 0.0f;
        for (int j = 0; j < cols; j++) {
            sum += exp(s[j] - max);
        }
        log_sum_exp = max + log(sum);
    }

    float error = 0.0f;
    for (int j = 0; j < cols; j++) {
        const float diff = y[j] - t[j];
        switch (loss) {
            case LOSS_HALF_SUM_OF_SQUARES:
                error += 0.5f * diff * diff;
                d[j] = (scale * diff) * activation_derivative(act, alpha, beta, lambda, s[j], y[j]);
                break;
            case LOSS_SUM_OF_SQUARES:
                error += diff * diff;
                d[j] = (scale * 2.0f * diff) * activation_derivative(act, alpha, beta, lambda, s[j], y[j]);
                break;
            case LOSS_BINARY_CROSS_ENTROPY:
                error += fmax(s[j], 0.0f) - t[j] * s[j] + log1p(exp(-fabs(s[j])));
                d[j] = scale * diff;
                break;
            default:  // LOSS_CATEGORICAL_CROSS_ENTROPY; a zero target contributes nothing, even where S is -inf
                error += t[j] == 0.0f ? 0.0f : t[j] * (log_sum_exp - s[j]);
                d[j] = scale * diff;
                break;
        }
    }
    return error;
}

// One row of a softmax: y_k = e^(s_k - max s) / sum_j e^(s_j - max s), the row maximum subtracted so that
// e^s stays finite. bias_softmax and output_step (which computes a softmax output layer's Y itself) both
// run it, so their bits are the same.
inline void softmax_row(const __global float* s, __global float* y, const int cols) {
    float max = -INFINITY;
    for (int j = 0; j < cols; j++) {
        max = fmax(max, s[j]);
    }
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        sum += exp(s[j] - max);
    }
    for (int j = 0; j < cols; j++) {
        y[j] = exp(s[j] - max) / sum;
    }
}

// The first index of a row's largest value: the class a row of outputs predicts, or a one-hot target's label.
inline int arg_max(const __global float* row, const int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
        if (row[j] > row[best]) {
            best = j;
        }
    }
    return best;
}

// The GEMM kernels' transposes, compile-time: one program per (TRANS_A, TRANS_B).
#ifndef TRANS_A
#define TRANS_A 0      // 1: A is stored K x M and op(A) = A^T
#endif
#ifndef TRANS_B
#define TRANS_B 0      // 1: B is stored N x K and op(B) = B^T
#endif

// Token pasting after the arguments are expanded: XCAT(float, VWN) is float4 when VWN is 4.
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)

// *c <- alpha*sum + beta*(*c), one element of a GEMM's C. beta = 0 overwrites without reading *c, so
// whatever C held (even NaN) does not leak into the result.
inline void store_scaled(__global float* c, const float alpha, const float sum, const float beta) {
    *c = beta == 0.0f ? alpha * sum : alpha * sum + beta * *c;
}

// GEMM epilogues, compile-time (-D EPILOGUE), so that a layer's step is one launch; each does what
// the separate kernel it replaces does to an element, in the same order, so the bits are the same:
//  - EPI_BIAS_ACTIVATION (forward, beta = 0): C = S = sum + bias[j], and X = f(S) (bias_activation);
//  - EPI_DERIVATIVE (delta step): C = (alpha*sum + beta*C) * f'(S, X) (activation_backward), applied by
//    the launch that finishes K (`finish`; the host may split K into several launches);
//  - EPI_BIAS_GRADIENT (weight gradients, C = delta^T * X): also bias_grad[i] = sum over K of op(A)(i, p)
//    (+ beta*bias_grad[i]), the bias gradient, added up by the work-items of C's first columns.
#define EPI_NONE 0
#define EPI_BIAS_ACTIVATION 1
#define EPI_DERIVATIVE 2
#define EPI_BIAS_GRADIENT 3
#ifndef EPILOGUE
#define EPILOGUE EPI_NONE
#endif
// Whether C's elements are stored one by one through store_c (vector stores are left to the rest).
#define EPILOGUE_PER_ELEMENT (EPILOGUE == EPI_BIAS_ACTIVATION || EPILOGUE == EPI_DERIVATIVE)

// The parameters of the pair kernels (gemm_direct_pair, gemm_pair, gemm_general_pair), in the order the
// host sets them: work-group rows below groups1 compute C1 = delta^T * X1 + beta1*C1 with the bias
// gradient, the others C2 = (delta * W) .* f'(S, X).
#define PAIR_PARAMS const int groups1, const int M1, const int N1, const int K1, const float beta1, \
        const __global float* restrict A1, const __global float* restrict B1, __global float* C1, \
        __global float* bias_grad, \
        const int M2, const int N2, const int K2, \
        const __global float* restrict A2, const __global float* restrict B2, __global float* C2, \
        const __global float* S, const __global float* X, const int act, const float act_alpha, \
        const float act_beta, const float act_lambda

// The epilogue's kernel parameters, after C, and the same names passed on to store_c.
#if EPILOGUE == EPI_BIAS_ACTIVATION
#define EPILOGUE_PARAMS , const __global float* restrict bias, __global float* X, const int act, \
        const float act_alpha, const float act_beta, const float act_gamma, const float act_lambda
#define EPILOGUE_ARGS , bias, X, act, act_alpha, act_beta, act_gamma, act_lambda
#elif EPILOGUE == EPI_DERIVATIVE
#define EPILOGUE_PARAMS , const __global float* S, const __global float* X, const int act, \
        const float act_alpha, const float act_beta, const float act_lambda, const int finish
#define EPILOGUE_ARGS , S, X, act, act_alpha, act_beta, act_lambda, finish
#elif EPILOGUE == EPI_BIAS_GRADIENT
#define EPILOGUE_PARAMS , __global float* restrict bias_grad
#define EPILOGUE_ARGS , bias_grad
#else
#define EPILOGUE_PARAMS
#define EPILOGUE_ARGS
#endif

// C[index] <- alpha*sum + beta*C[index] (store_scaled), then the element-wise epilogue `epilogue` with
// its operands (those of other epilogues are unused): the one store of every GEMM kernel. A kernel that
// calls it with a constant epilogue, as store_c does, gets the branches folded away when it is inlined;
// gemm_direct's pair kernel calls it with two.
inline void store_c_as(const int epilogue, __global float* C, const int index, const int col, const float alpha,
                       const float sum, const float beta, const __global float* bias, __global float* X_out,
                       const __global float* S_in, const __global float* X_in, const int act, const float act_alpha,
                       const float act_beta, const float act_gamma, const float act_lambda, const int finish) {
    float c = beta == 0.0f ? alpha * sum : alpha * sum + beta * C[index];
    if (epilogue == EPI_BIAS_ACTIVATION) {
        // S, then X: where X is S (in place, as bias_activation allows) it ends up holding f(S) as there.
        c = c + bias[col];
        C[index] = c;
        X_out[index] = activate(act, act_alpha, act_beta, act_gamma, act_lambda, c);
        return;
    }
    if (epilogue == EPI_DERIVATIVE && finish) {
        c = c * activation_derivative(act, act_alpha, act_beta, act_lambda, S_in[index], X_in[index]);
    }
    C[index] = c;
}

// The compile-time EPILOGUE's operands in store_c_as's order (bias, X_out, S_in, X_in, act, alpha, beta,
// gamma, lambda, finish), from the names EPILOGUE_PARAMS declares.
#if EPILOGUE == EPI_BIAS_ACTIVATION
#define EPILOGUE_OPERANDS bias, X, 0, 0, act, act_alpha, act_beta, act_gamma, act_lambda, 0
#elif EPILOGUE == EPI_DERIVATIVE
#define EPILOGUE_OPERANDS 0, 0, S, X, act, act_alpha, act_beta, 0.0f, act_lambda, finish
#else
#define EPILOGUE_OPERANDS 0, 0, 0, 0, 0, 0.0f, 0.0f, 0.0f, 0.0f, 0
#endif

// store_c_as with the program's EPILOGUE; col is the element's column.
inline void store_c(__global float* C, const int index, const int col, const float alpha, const float sum,
                    const float beta EPILOGUE_PARAMS) {
    store_c_as(EPILOGUE, C, index, col, alpha, sum, beta, EPILOGUE_OPERANDS);
}

// The bias gradient's element i: its sum over this launch's range of K, plus beta times what it held.
inline void store_bias_gradient(__global float* bias_grad, const int i, const float sum, const float beta) {
    bias_grad[i] = beta == 0.0f ? sum : sum + beta * bias_grad[i];
}

// Split-K (-D SPLIT_K=1; the host uses it for weight-gradient products whose K, the batch, is long
// while C makes too few work-groups to fill the device): work-items with z = get_global_id(2) sum
// only K's slice [z*k_slice, min(K, (z + 1)*k_slice)) and store it (the caller passes alpha = 1,
// beta = 0) in part z of a scratch buffer, M*N floats each, C pointing at its start; the bias
// gradient's parts follow all of those, M floats each. split_k_sum.cl then adds the parts up in
// order. K_RANGE declares the launch's range of K and moves C (and bias_grad) to its part.
#ifndef SPLIT_K
#define SPLIT_K 0
#endif
#if SPLIT_K
#define SPLIT_PARAMS , const int k_slice, const int slices
#if EPILOGUE == EPI_BIAS_GRADIENT
#define SPLIT_BIAS_PART bias_grad = C + (slices - get_global_id(2)) * M * N + get_global_id(2) * M;
#else
#define SPLIT_BIAS_PART
#endif
#define K_RANGE(from, to) \
    const int from = (int) get_global_id(2) * k_slice; \
    const int to = min(K, from + k_slice); \
    C += get_global_id(2) * M * N; \
    SPLIT_BIAS_PART
#else
#define SPLIT_PARAMS
#define K_RANGE(from, to) \
    const int from = 0; \
    const int to = K;
#endif
