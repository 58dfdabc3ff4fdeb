// axpy: y <- y + alpha*x element-wise (L2 regularisation adds scale*lambda*W to a weight
// gradient). One work-item per element, NDRange size rounded up to WGS.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void axpy(const int size, const float alpha, const __global float* x, __global float* y) {
    const int e = get_global_id(0);
    if (e < size) {
        y[e] = fma(alpha, x[e], y[e]);
    }
}
