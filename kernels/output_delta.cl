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
    const __global float* s = S + i * cols;
    const __global float* y = Y + i * cols;
    const __global float* t = T + i * cols;
    __global float* d = D + i * cols;

    float log_sum_exp = 0.0f;
    if (loss == LOSS_CATEGORICAL_CROSS_ENTROPY) {
        float max = -INFINITY;
        for (int j = 0; j < cols; j++) {
            max = fmax(max, s[j]);
        }
        float sum = 0.0f;
        for (int j = 0; j < cols; j++) {
            sum += exp(s[j] - max);
        }
        log_sum_exp = max + log(sum);
    }

    float error = 0.0f;
    for (int j = 0; j < cols; j++) {
        const float diff = y[j] - t[j];
        switch (loss) {
            case LOSS_HALF_SUM_OF_SQUARES:
                error += 0.5f * diff * diff;
                d[j] = (scale * diff) * activation_derivative(act, alpha, beta, lambda, s[j], y[j]);
                break;
            case LOSS_SUM_OF_SQUARES:
                error += diff * diff;
                d[j] = (scale * 2.0f * diff) * activation_derivative(act, alpha, beta, lambda, s[j], y[j]);
                break;
            case LOSS_BINARY_CROSS_ENTROPY:
                error += fmax(s[j], 0.0f) - t[j] * s[j] + log1p(exp(-fabs(s[j])));
                d[j] = scale * diff;
                break;
            default:  // LOSS_CATEGORICAL_CROSS_ENTROPY; a zero target contributes nothing, even where S is -inf
                error += t[j] == 0.0f ? 0.0f : t[j] * (log_sum_exp - s[j]);
                d[j] = scale * diff;
                break;
        }
    }
    row_loss[i] = error;
}
