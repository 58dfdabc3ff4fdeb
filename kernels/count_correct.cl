// count_correct: count[0] += the number of rows whose arg-max in Y equals their arg-max in T
// (Y, T rows x cols; the first maximum on ties), so the trainer's running accuracy needs no
// read-back per batch. One work-group of WGS work-items: work-item w takes rows w, w + WGS, ...,
// and the integer counts are combined by a fixed tree in local memory; integers make the result
// exact and independent of the order anyway. NDRange (WGS) in one work-group of WGS.

#if (WGS & (WGS - 1)) != 0
#error "count_correct: WGS must be a power of two"
#endif

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void count_correct(const int rows, const int cols, const __global float* Y, const __global float* T,
                   __global float* count) {
    __local int partial[WGS];
    const int w = get_local_id(0);
    int hits = 0;
    for (int i = w; i < rows; i += WGS) {
        hits += arg_max(Y + i * cols, cols) == arg_max(T + i * cols, cols) ? 1 : 0;
    }
    partial[w] = hits;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = WGS / 2; stride > 0; stride /= 2) {
        if (w < stride) {
            partial[w] += partial[w + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (w == 0) {
        count[0] += (float) partial[0];
    }
}
