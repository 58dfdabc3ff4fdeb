// activation_backward: the delta step, delta <- G (.) f'(S) element-wise, with f' written the cheap
// way from X = f(S) where nn/Activation.derivative does. delta may be G itself (in place), so
// neither is restrict. One work-item per element, NDRange size rounded up to WGS. The ACT_* kinds
// are common.cl's.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void activation_backward(const int size, const int kind,
                         const float alpha, const float beta, const float lambda,
                         const __global float* S, const __global float* X, const __global float* G,
                         __global float* D) {
    const int e = get_global_id(0);
    if (e >= size) {
        return;
    }
    const float s = S[e];
    const float x = X[e];
    float d;
    switch (kind) {
        case ACT_SIGMOID: d = x * (1.0f - x); break;
        case ACT_TANH: d = 1.0f - x * x; break;
        // (beta/alpha)(f - lambda)(alpha + lambda - f): f - lambda, not f + lambda (docs/MATH.md section 3).
        case ACT_GENERIC_SIGMOID: d = (beta / alpha) * (x - lambda) * (alpha + lambda - x); break;
        case ACT_GUDERMANNIAN: d = 1.0f / cosh(s); break;
        case ACT_RELU: d = s > 0.0f ? 1.0f : 0.0f; break;
        default: d = 1.0f; break;  // ACT_IDENTITY
    }
    D[e] = G[e] * d;
}
