// dropout: inverted dropout, y <- x*scale where the element is kept, 0 where it is dropped.
// Whether element e is kept depends on (key, e) alone, exactly as DropoutMask defines it on the
// host: h = key + e*0x9E3779B9, the lowbias32 hash, kept iff (h >> 8) >= threshold. The host
// computes key, threshold and scale = 1/(1 - rate) once, so every backend uses the same float
// scale and the same integer threshold. One work-item per element, NDRange size rounded up to
// WGS; e is the element's logical row-major index, which is also its offset in the buffer, a
// topRows view included (a view is the first rows of its allocation).
// No pointer is restrict: the Backend contract lets y be x (the backward pass runs in place).

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void dropout(const int size, const uint key, const uint threshold, const float scale,
             const __global float* x, __global float* y) {
    const int e = get_global_id(0);
    if (e < size) {
        // uint arithmetic wraps modulo 2^32 and shifts in zeros, as Java's int * and >>> do.
        uint h = key + (uint) e * 0x9E3779B9u;
        h ^= h >> 16;
        h *= 0x7feb352du;
        h ^= h >> 15;
        h *= 0x846ca68bu;
        h ^= h >> 16;
        y[e] = (h >> 8) >= threshold ? x[e] * scale : 0.0f;
    }
}
