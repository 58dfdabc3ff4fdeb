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

// Loss kinds, the `loss` argument of output_delta, named after nn/Loss; the host's numbers are
// KernelCodes.loss's.
#define LOSS_HALF_SUM_OF_SQUARES 0
#define LOSS_SUM_OF_SQUARES 1
#define LOSS_BINARY_CROSS_ENTROPY 2
#define LOSS_CATEGORICAL_CROSS_ENTROPY 3

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
