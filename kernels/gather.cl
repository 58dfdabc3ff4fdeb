// gather: dst row first + r <- src row index[r], for r < rows: a batch copied, in the epoch's
// shuffled order, out of a data set held on the device. One work-item per element of the rows
// gathered, NDRange size rounded up to WGS; neighbouring work-items copy neighbouring floats of
// a row. The source is a whole data set, so its offsets are computed in size_t (rows x cols may
// pass 2^31 floats on a device that allows such a buffer). The host checked every index.

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void gather(const int rows, const int cols, const int first, const __global float* src,
            const __global int* index, __global float* dst) {
    const int e = get_global_id(0);
    if (e < rows * cols) {
        const int r = e / cols;
        const int c = e - r * cols;
        dst[(size_t) (first + r) * cols + c] = src[(size_t) index[r] * cols + c];
    }
}
