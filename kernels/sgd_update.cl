// sgd_update: gradient descent, p <- p - eta*g element-wise. One work-item per element,
// NDRange size rounded up to WGS.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void sgd_update(const int size, const float learning_rate, const __global float* grad,
                __global float* param) {
    const int e = get_global_id(0);
    if (e < size) {
        param[e] = fma(-learning_rate, grad[e], param[e]);
    }
}
