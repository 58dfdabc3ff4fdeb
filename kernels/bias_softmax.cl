// bias_softmax: the forward step of a softmax output layer: S <- S + 1*bias^T in place, then for
// each row X = softmax(S) (common.cl's softmax_row, row maximum subtracted). One work-item per row
// (output layers are narrow), NDRange rows rounded up to WGS.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void bias_softmax(const int rows, const int cols, const __global float* bias,
                  __global float* S, __global float* X) {
    const int i = get_global_id(0);
    if (i >= rows) {
        return;
    }
    __global float* s = S + i * cols;
    for (int j = 0; j < cols; j++) {
        s[j] = s[j] + bias[j];
    }
    softmax_row(s, X + i * cols, cols);
}
