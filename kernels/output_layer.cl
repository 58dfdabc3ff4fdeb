// output_layer: a narrow output layer's whole training step in one launch, where otherwise its product
// (S = X*W^T + b, Y = f(S) for an element-wise f) and output_step would take two:
//   S, Y as the product the host would launch for this shape stores them (gemm_direct's dot form, or
//   gemm_general's order), Y = softmax(S) for a softmax output (common.cl's softmax_row),
//   D, row_loss as output_delta (common.cl's output_delta_row);
//   loss_sum[0] += sum of row_loss, in output_step's (and sum_rows') order with the same RL;
//   count[0] += the rows whose arg-max in Y is their arg-max in T (when `counting`).
// One work-item per row: it holds the whole row, which a softmax, the loss and the arg-max need and no
// block of a GEMM work-item does. Each column's dot product is summed in the order of the kernel the
// host would otherwise run, so S (and everything computed from it) has that kernel's bits:
//  - DOT=1, gemm_direct's dot form: VWD-wide partial sums along K, folded lane by lane, then a scalar
//    tail; but one element at a time from K's start where the element lies in a MDOT x NDOT block that
//    crosses the edge of C, as gemm_direct computes those;
//  - DOT=0, gemm_general's: one fma after another along K.
// The total and the count need every row. Rather than a second launch, the work-item that finishes
// last adds them up: each work-item, once its row is stored, counts its hit with an atomic, fences
// its global writes and increments tally[0]; the one that gets rows - 1 sees every other row's
// row_loss and hit, adds the row losses in the fixed order (so the total does not depend on which
// work-item that is, nor on timing), and sets the tally back to 0 for the next launch. The fence before
// an atomic is the pattern OpenCL 1.2 drivers honour for this (it has no acquire/release of its own);
// the total is read through a volatile pointer so that no cache holds an older row_loss.
// NDRange (rows rounded up to WGS) in work-groups of WGS; no barrier, no local memory.
// Y is read before D is written, so D may be Y.

#ifndef DOT
#define DOT 1          // 1: gemm_direct's dot form; 0: gemm_general's order
#endif
#ifndef VWD
#define VWD 8          // gemm_direct's vector width
#endif
#ifndef MDOT
#define MDOT 4         // gemm_direct's dot-form block: rows
#endif
#ifndef NDOT
#define NDOT 2         // and columns
#endif
#ifndef RL
#define RL 4           // row lanes of the loss total: sum_rows's RL
#endif

#if (RL & (RL - 1)) != 0
#error "output_layer: RL must be a power of two"
#endif

typedef XCAT(float, VWD) floatv;
#define VLOAD(i, p) XCAT(vload, VWD)(i, p)

// x . w over K, in gemm_direct's dot form (VWD lanes, then the tail) or, with `sequential`, one fma after
// another (gemm_general, and gemm_direct's blocks on the edge of C).
inline float row_dot(const __global float* restrict x, const __global float* restrict w, const int K,
                     const int sequential) {
    float sum = 0.0f;
    int p = 0;
    if (!sequential) {
        floatv acc = (floatv) 0.0f;
        const int k_vectors = K / VWD * VWD;
        for (; p < k_vectors; p += VWD) {
            acc = fma(VLOAD(0, x + p), VLOAD(0, w + p), acc);
        }
        const float* lanes = (const float*) &acc;
        for (int e = 0; e < VWD; e++) {
            sum += lanes[e];
        }
    }
    for (; p < K; p++) {
        sum = fma(x[p], w[p], sum);
    }
    return sum;
}

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void output_layer(const int rows, const int cols, const int K,
                  const __global float* restrict X, const __global float* restrict W, const __global float* restrict bias,
                  __global float* S, __global float* Y, const __global float* T, __global float* D,
                  __global float* row_loss,
                  const int act, const float act_alpha, const float act_beta, const float act_gamma,
                  const float act_lambda, const int softmax,
                  const int loss, const float scale, const int dact, const float d_alpha, const float d_beta,
                  const float d_lambda,
                  const int summing, __global float* loss_sum, const int counting, __global float* count,
                  volatile __global int* tally) {
    const int i = get_global_id(0);
    if (i >= rows) {
        return;
    }
    const int edge_row = !DOT || i / MDOT * MDOT + MDOT > rows;
    // A softmax output stores S alone here (the identity written over S, as the product's forward epilogue
    // does for it), then the row's softmax; an element-wise one stores S and Y = f(S).
    __global float* out = softmax ? S : Y;
    const int f = softmax ? ACT_IDENTITY : act;
    for (int j = 0; j < cols; j++) {
        const float sum = row_dot(X + i * K, W + j * K, K, edge_row || j / NDOT * NDOT + NDOT > cols);
        store_c_as(EPI_BIAS_ACTIVATION, S, i * cols + j, j, 1.0f, sum, 0.0f, bias, out, 0, 0, f, act_alpha, act_beta,
                   act_gamma, act_lambda, 0);
    }
    if (softmax) {
        softmax_row(S + i * cols, Y + i * cols, cols);
    }
    const int hit = counting && arg_max(Y + i * cols, cols) == arg_max(T + i * cols, cols);
    row_loss[i] = output_delta_row(i, cols, loss, scale, dact, d_alpha, d_beta, d_lambda, S, Y, T, D);
    if (!summing && !counting) {
        return;
    }

    if (hit) {
        atomic_inc(tally + 1);
    }
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    if (atomic_inc(tally) != rows - 1) {
        return;
    }
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    if (summing) {
        // output_step's lanes and tree, one work-item running both.
        const volatile __global float* losses = row_loss;
        float partial[RL];
        for (int l = 0; l < RL; l++) {
            float sum = 0.0f;
            for (int r = l; r < rows; r += RL) {
                sum += losses[r];
            }
            partial[l] = sum;
        }
        for (int stride = RL / 2; stride > 0; stride /= 2) {
            for (int l = 0; l < stride; l++) {
                partial[l] += partial[l + stride];
            }
        }
        loss_sum[0] = partial[0] + 1.0f * loss_sum[0];
    }
    if (counting) {
        count[0] += (float) atomic_xchg(tally + 1, 0);
    }
    atomic_xchg(tally, 0);
}
