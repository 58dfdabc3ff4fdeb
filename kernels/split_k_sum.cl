// split_k_sum: the second half of a split-K product (common.cl's SPLIT_K): C <- alpha*(sum of the
// parts) + beta*C, and with `bias` the bias gradient's parts likewise (without alpha, as
// store_bias_gradient), in a fixed order: part 0 first, with beta, then parts 1, 2, ... each added
// to what is there, as the launches of a GEMM whose K the host slices one launch per slice (beta = 1
// after the first) add them up, so the result depends on the shape alone. One work-item per element
// of C, then one per element of the bias gradient; NDRange M*N (+ M) rounded up to WGS.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void split_k_sum(const int M, const int N, const int slices, const float alpha, const float beta,
                 const __global float* restrict parts, __global float* restrict C, const int bias,
                 __global float* restrict bias_grad) {
    const int e = get_global_id(0);
    const int mn = M * N;
    if (e < mn) {
        float c = beta == 0.0f ? alpha * parts[e] : alpha * parts[e] + beta * C[e];
        for (int z = 1; z < slices; z++) {
            c = alpha * parts[z * mn + e] + 1.0f * c;
        }
        C[e] = c;
    } else if (bias && e < mn + M) {
        const int i = e - mn;
        const __global float* q = parts + slices * mn;
        float b = beta == 0.0f ? q[i] : q[i] + beta * bias_grad[i];
        for (int z = 1; z < slices; z++) {
            b = q[z * M + i] + 1.0f * b;
        }
        bias_grad[i] = b;
    }
}
