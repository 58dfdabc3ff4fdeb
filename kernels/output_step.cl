// output_step: the output layer's whole step in one launch: what output_delta, sum_rows over the
// per-row losses (beta = 1) and count_correct do, with their bits:
//   D, row_loss as output_delta (common.cl's output_delta_row); loss_sum[0] += sum of row_loss;
//   count[0] += the rows whose arg-max in Y is their arg-max in T (when `counting`).
// One work-group of WGS work-items: work-item w takes rows w, w + WGS, ... Once every row's loss is
// in row_loss (a barrier: global memory written by one work-group is visible to it after one), the
// first RL work-items add it up lane by lane and a fixed tree in local memory combines the lanes,
// the order sum_rows uses with the same RL, so the total is the bits sum_rows gives. The counts are
// integers, combined by a fixed tree as in count_correct. NDRange (WGS) in one work-group.
// With `softmax`, S holds a softmax output layer's product with its bias and the kernel first writes
// each row's Y = softmax(S) (common.cl's softmax_row, bias_softmax's bits), then goes on from that Y,
// so the forward step needs no launch of its own.
// Y is read before D is written, so D may be Y.

#ifndef RL
#define RL 4           // row lanes of the loss total: sum_rows's RL
#endif

#if (WGS & (WGS - 1)) != 0 || (RL & (RL - 1)) != 0 || RL > WGS
#error "output_step: WGS and RL must be powers of two, RL at most WGS"
#endif

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void output_step(const int rows, const int cols, const int loss, const float scale,
                 const int act, const float alpha, const float beta, const float lambda,
                 const __global float* S, __global float* Y,
                 const __global float* T, __global float* D,
                 __global float* row_loss, const int summing, __global float* loss_sum,
                 const int counting, __global float* count, const int softmax) {
    __local float partial_loss[RL];
    __local int partial_hits[WGS];
    const int w = get_local_id(0);

    int hits = 0;
    for (int i = w; i < rows; i += WGS) {
        if (softmax) {
            softmax_row(S + i * cols, Y + i * cols, cols);
        }
        if (counting) {
            hits += arg_max(Y + i * cols, cols) == arg_max(T + i * cols, cols) ? 1 : 0;
        }
        row_loss[i] = output_delta_row(i, cols, loss, scale, act, alpha, beta, lambda, S, Y, T, D);
    }
    partial_hits[w] = hits;
    barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);

    if (w < RL) {
        float sum = 0.0f;
        for (int i = w; i < rows; i += RL) {
            sum += row_loss[i];
        }
        partial_loss[w] = sum;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = RL / 2; stride > 0; stride /= 2) {
        if (w < stride) {
            partial_loss[w] += partial_loss[w + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int stride = WGS / 2; stride > 0; stride /= 2) {
        if (w < stride) {
            partial_hits[w] += partial_hits[w + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (w == 0) {
        if (summing) {
            loss_sum[0] = partial_loss[0] + 1.0f * loss_sum[0];
        }
        if (counting) {
            count[0] += (float) partial_hits[0];
        }
    }
}
