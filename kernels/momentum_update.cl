// momentum_update: momentum in PyTorch's form, v <- mu*v + g, then p <- p - eta*v, element-wise.
// One work-item per element, NDRange size rounded up to WGS. A kernel of its own, like sgd_update
// and adam_update: the update rules share one work-item per element and nothing else, and each
// takes only its own state and hyperparameters.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void momentum_update(const int size, const float learning_rate, const float momentum,
                     const __global float* grad, __global float* velocity,
                     __global float* param) {
    const int e = get_global_id(0);
    if (e < size) {
        const float v = fma(momentum, velocity[e], grad[e]);
        velocity[e] = v;
        param[e] = fma(-learning_rate, v, param[e]);
    }
}
