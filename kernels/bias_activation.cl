// bias_activation: the forward step of a layer for every element-wise activation f:
// S <- S + 1*bias^T in place, then X <- f(S) (S and X are rows x cols, bias is 1 x cols).
// The formulas are nn/Activation.value's, in float; the ACT_* kinds are common.cl's. Softmax is
// bias_softmax.cl.
// One work-item per element, NDRange rows*cols rounded up to work-groups of WGS.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void bias_activation(const int rows, const int cols, const int kind,
                     const float alpha, const float beta, const float gamma, const float lambda,
                     const __global float* bias, __global float* S, __global float* X) {
    const int e = get_global_id(0);
    if (e >= rows * cols) {
        return;
    }
    const float s = S[e] + bias[e % cols];
    S[e] = s;
    X[e] = activate(kind, alpha, beta, gamma, lambda, s);
}
