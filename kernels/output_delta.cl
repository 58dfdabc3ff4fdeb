// output_delta: the loss of each row and the loss's gradient at the output layer, for every loss
// of nn/Loss (S, Y = f(S), T and D are rows x cols, row_loss is rows x 1):
//   row_loss_n = E_n (unscaled), D = (scale * dE_n/dY) * f'(S) for the squared errors, with the
//   output activation's derivative (act, alpha, beta, lambda: common.cl's activation_derivative),
//   and D = scale * (Y - T) for the cross-entropies, whose delta needs no f'. The squared errors'
//   product is rounded as a separate delta step would round it: scale * dE/dY first, then f'.
// Cross-entropies are computed from S, never from a rounded probability: binary as
// max(S, 0) - t*S + log1p(e^-|S|), categorical as t*(logsumexp(S) - S) with the row maximum
// taken out of the exponentials. One work-item per row, NDRange rows rounded up to WGS. The LOSS_*
// kinds are common.cl's.
// No pointer is restrict: the Backend contract lets an output be one of the inputs.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void output_delta(const int rows, const int cols, const int loss, const float scale,
                  const int act, const float alpha, const float beta, const float lambda,
                  const __global float* S, const __global float* Y,
                  const __global float* T, __global float* D,
                  __global float* row_loss) {
    const int i = get_global_id(0);
    if (i >= rows) {
        return;
    }
    row_loss[i] = output_delta_row(i, cols, loss, scale, act, alpha, beta, lambda, S, Y, T, D);
}
