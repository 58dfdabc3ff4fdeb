// bias_softmax: the forward step of a softmax output layer: S <- S + 1*bias^T in place, then for
// each row X_k = e^(S_k - max S) / sum_j e^(S_j - max S); subtracting the row maximum keeps e^S
// finite. One work-item per row (output layers are narrow), NDRange rows rounded up to WGS.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void bias_softmax(const int rows, const int cols, const __global float* bias,
                  __global float* S, __global float* X) {
    const int i = get_global_id(0);
    if (i >= rows) {
        return;
    }
    __global float* s = S + i * cols;
    __global float* x = X + i * cols;
    float max = -INFINITY;
    for (int j = 0; j < cols; j++) {
        const float v = s[j] + bias[j];
        s[j] = v;
        max = fmax(max, v);
    }
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        sum += exp(s[j] - max);
    }
    for (int j = 0; j < cols; j++) {
        x[j] = exp(s[j] - max) / sum;
    }
}
