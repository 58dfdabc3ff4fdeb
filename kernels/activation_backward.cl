// activation_backward: the delta step, delta <- G (.) f'(S) element-wise, with common.cl's
// activation_derivative. delta may be G itself (in place), so neither is restrict. One work-item
// per element, NDRange size rounded up to WGS. The ACT_* kinds are common.cl's.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void activation_backward(const int size, const int kind,
                         const float alpha, const float beta, const float lambda,
                         const __global float* S, const __global float* X, const __global float* G,
                         __global float* D) {
    const int e = get_global_id(0);
    if (e >= size) {
        return;
    }
    D[e] = G[e] * activation_derivative(kind, alpha, beta, lambda, S[e], X[e]);
}
