// sum_rows: out <- sum_i A[i, :] + beta*out (A is rows x cols, out is 1 x cols): the bias gradient
// and the loss total. Deterministic: no atomics, and the order of additions depends only on the
// shape. A work-group owns CW columns and splits the rows among RL lanes; lane l adds rows
// l, l + RL, l + 2*RL, ... in order, then the lanes are combined by a fixed binary tree in local
// memory. Reads coalesce: neighbouring work-items read neighbouring columns of one row.
// NDRange (ceil(cols/CW)*CW, RL) in work-groups of (CW, RL).
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

#ifndef CW
#define CW 16          // columns per work-group
#endif
#ifndef RL
#define RL 16          // row lanes per work-group, a power of two
#endif

#if (RL & (RL - 1)) != 0
#error "sum_rows: RL must be a power of two"
#endif

__kernel __attribute__((reqd_work_group_size(CW, RL, 1)))
void sum_rows(const int rows, const int cols, const float beta,
              const __global float* A, __global float* out) {
    __local float partial[RL][CW];
    const int c = get_local_id(0);
    const int lane = get_local_id(1);
    const int j = get_group_id(0) * CW + c;

    float sum = 0.0f;
    if (j < cols) {
        for (int i = lane; i < rows; i += RL) {
            sum += A[i * cols + j];
        }
    }
    partial[lane][c] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = RL / 2; stride > 0; stride /= 2) {
        if (lane < stride) {
            partial[lane][c] += partial[lane + stride][c];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lane == 0 && j < cols) {
        // beta = 0 overwrites: whatever out held (even NaN) must not leak.
        out[j] = beta == 0.0f ? partial[0][c] : partial[0][c] + beta * out[j];
    }
}
