// adam_update: Adam, element-wise:
//   m <- beta1*m + (1 - beta1)*g,  v <- beta2*v + (1 - beta2)*g^2,
//   p <- p - eta*(m / c1) / (sqrt(v / c2) + epsilon),
// with the bias corrections c1 = 1 - beta1^t and c2 = 1 - beta2^t computed by the caller.
// One work-item per element, NDRange size rounded up to WGS; a kernel of its own, as
// momentum_update.cl says why.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void adam_update(const int size, const float learning_rate, const float beta1, const float beta2,
                 const float epsilon, const float correction1, const float correction2,
                 const __global float* grad, __global float* m, __global float* v,
                 __global float* param) {
    const int e = get_global_id(0);
    if (e >= size) {
        return;
    }
    const float g = grad[e];
    const float m_new = beta1 * m[e] + (1.0f - beta1) * g;
    const float v_new = beta2 * v[e] + (1.0f - beta2) * g * g;
    m[e] = m_new;
    v[e] = v_new;
    param[e] -= learning_rate * (m_new / correction1) / (sqrt(v_new / correction2) + epsilon);
}
