// gemm: the tiled matrix product C <- alpha*op(A)*op(B) + beta*C on row-major float matrices,
// op(A) M x K, op(B) K x N, C M x N. The host (OpenClBackend) picks it on GPUs for large
// products; small or skinny ones go to gemm_general.cl, and CPUs use gemm_direct.cl. Each
// work-group computes an MWG x NWG block of C, looping over K in slices of KWG that it stages in
// local memory; each work-item keeps an MWI x NWI block of C in registers (register blocking), so
// every value read from local memory feeds several multiply-adds. The transposes are
// compile-time: one program per (TRANS_A, TRANS_B). Any epilogue of common.cl (EPILOGUE), and
// split-K (SPLIT_K), whose slices of K the host makes multiples of KWG.
// With -D PAIR=1, gemm_pair runs a layer's two backward products in one launch (at the end).
//
// The host prepends -D values for the knobs below (and TRANS_A, TRANS_B, defaulted in common.cl) and
// launches NDRange (ceil(N/NWG)*NDIMC, ceil(M/MWG)*MDIMC) with work-groups of (NDIMC, MDIMC); the
// defaults only make the file compile without the host's defines.

#ifndef MWG
#define MWG 64         // rows of C per work-group
#endif
#ifndef NWG
#define NWG 64         // columns of C per work-group
#endif
#ifndef KWG
#define KWG 16         // depth of the K slice staged in local memory
#endif
#ifndef MDIMC
#define MDIMC 8        // work-items per work-group along M
#endif
#ifndef NDIMC
#define NDIMC 8        // work-items per work-group along N
#endif
#ifndef VWN
#define VWN 4          // vector width along N: local reads of B, loads and stores of C (1, 2, 4, 8 or 16)
#endif
#ifndef VWL
#define VWL 4          // vector width of the global loads that fill the tiles (1, 2, 4, 8 or 16)
#endif
#ifndef PADA
#define PADA 1         // floats of padding per row of the local A tile, against bank conflicts
#endif
#ifndef EDGES
#define EDGES 0        // 1: any M, N, K (loads outside the matrix give 0, stores are guarded)
#endif

#define MWI (MWG / MDIMC)  // rows of C per work-item, MDIMC apart
#define NWI (NWG / NDIMC)  // columns of C per work-item: NWI / VWN vectors, NDIMC * VWN apart
#define NVW (NWI / VWN)
#define ITEMS (MDIMC * NDIMC)  // work-items per work-group
#define LDA (MWG + PADA)

#if MWG % MDIMC != 0 || NWG % NDIMC != 0 || NWI % VWN != 0
#error "gemm: MWG must be a multiple of MDIMC, NWG of NDIMC, and NWG / NDIMC of VWN"
#endif
#if EDGES == 0 && (KWG % VWL != 0 || MWG % VWL != 0 || NWG % VWL != 0)
#error "gemm: MWG, NWG and KWG must be multiples of VWL"
#endif

#if VWN == 1
typedef float floatn;
#define VLOADN(i, p) ((p)[i])
#define VSTOREN(v, i, p) ((p)[i] = (v))
#else
typedef XCAT(float, VWN) floatn;
#define VLOADN(i, p) XCAT(vload, VWN)(i, p)
#define VSTOREN(v, i, p) XCAT(vstore, VWN)(v, i, p)
#endif
#if VWL == 1
typedef float floatl;
#else
typedef XCAT(float, VWL) floatl;
#endif

// Copies the rows x cols block at (row0, col0) of a row-major height x width matrix with leading
// dimension ld into local memory, element (r, c) going to dst[c * dst_ld + r] when transposed,
// else to dst[r * dst_ld + c]. All ITEMS work-items share the copy; consecutive work-items read
// consecutive addresses, so the global reads coalesce.
inline void load_tile(const __global float* restrict src, const int ld, const int height, const int width,
                      const int row0, const int col0, const int rows, const int cols, const int transposed,
                      __local float* restrict dst, const int dst_ld, const int wi) {
#if EDGES
    for (int e = wi; e < rows * cols; e += ITEMS) {
        const int r = e / cols;
        const int c = e % cols;
        const int gr = row0 + r;
        const int gc = col0 + c;
        const float v = (gr < height && gc < width) ? src[gr * ld + gc] : 0.0f;
        dst[transposed ? c * dst_ld + r : r * dst_ld + c] = v;
    }
#else
    const int per_row = cols / VWL;
    for (int q = wi; q < rows * per_row; q += ITEMS) {
        const int r = q / per_row;
        const int c = (q % per_row) * VWL;
#if VWL == 1
        const float v = src[(row0 + r) * ld + col0 + c];
        dst[transposed ? c * dst_ld + r : r * dst_ld + c] = v;
#else
        const floatl v = XCAT(vload, VWL)(0, src + (row0 + r) * ld + col0 + c);
        const float* lanes = (const float*) &v;
        #pragma unroll
        for (int e = 0; e < VWL; e++) {
            dst[transposed ? (c + e) * dst_ld + r : r * dst_ld + c + e] = lanes[e];
        }
#endif
    }
#endif
}

// One work-group's MWG x NWG block of C, at block row gm and block column gn, summed over K's range
// [p_lo, p_hi) through the local tiles Alm and Blm (declared by the kernel, as OpenCL wants). The
// transposes and the epilogue are arguments so that the pair kernel can call it with two sets of
// constants; inlined with constants, the branches fold away and the arithmetic is the gemm kernel's.
inline void tiled_block(const int trans_a, const int trans_b, const int epilogue, const int gm, const int gn,
                        const int M, const int N, const int K, const int p_lo, const int p_hi, const float alpha,
                        const float beta, const __global float* restrict A, const __global float* restrict B,
                        __global float* C, const __global float* bias, __global float* X_out,
                        const __global float* S_in, const __global float* X_in, const int act,
                        const float act_alpha, const float act_beta, const float act_gamma, const float act_lambda,
                        const int finish, __global float* bias_grad, __local float* Alm, __local floatn* Blm) {
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int wi = ty * NDIMC + tx;
    const int i0 = gm * MWG;
    const int j0 = gn * NWG;
    const bool per_element = EDGES || epilogue == EPI_BIAS_ACTIVATION || epilogue == EPI_DERIVATIVE;

    floatn acc[MWI][NVW];
    #pragma unroll
    for (int wm = 0; wm < MWI; wm++) {
        #pragma unroll
        for (int wn = 0; wn < NVW; wn++) {
            acc[wm][wn] = (floatn) 0.0f;
        }
    }

    // The first column of work-items of the first column of work-groups also adds up its rows of
    // op(A) in the local tile (the padding of EDGES tiles is 0): the bias gradient.
    float bias_sum[MWI];
    #pragma unroll
    for (int wm = 0; wm < MWI; wm++) {
        bias_sum[wm] = 0.0f;
    }
    const bool sums_bias = epilogue == EPI_BIAS_GRADIENT && j0 == 0 && tx == 0;
    for (int p0 = p_lo; p0 < p_hi; p0 += KWG) {
        if (trans_a) {
            load_tile(A, M, K, M, p0, i0, KWG, MWG, 0, Alm, LDA, wi);
        } else {
            load_tile(A, K, M, K, i0, p0, MWG, KWG, 1, Alm, LDA, wi);
        }
        if (trans_b) {
            load_tile(B, K, N, K, j0, p0, NWG, KWG, 1, (__local float*) Blm, NWG, wi);
        } else {
            load_tile(B, N, K, N, p0, j0, KWG, NWG, 0, (__local float*) Blm, NWG, wi);
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int k = 0; k < KWG; k++) {
            // Work-items of one row read NVW neighbouring vectors of B each, NDIMC apart, so the
            // reads of a warp are contiguous; A's values are shared by the row (broadcast).
            floatn b[NVW];
            #pragma unroll
            for (int wn = 0; wn < NVW; wn++) {
                b[wn] = Blm[k * (NWG / VWN) + wn * NDIMC + tx];
            }
            #pragma unroll
            for (int wm = 0; wm < MWI; wm++) {
                const float a = Alm[k * LDA + wm * MDIMC + ty];
                #pragma unroll
                for (int wn = 0; wn < NVW; wn++) {
                    acc[wm][wn] = fma((floatn) a, b[wn], acc[wm][wn]);
                }
            }
        }
        if (sums_bias) {
            // Out of the multiply-adds' loop, so that only this loop pays for the branch.
            for (int k = 0; k < KWG; k++) {
                #pragma unroll
                for (int wm = 0; wm < MWI; wm++) {
                    bias_sum[wm] += Alm[k * LDA + wm * MDIMC + ty];
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    #pragma unroll
    for (int wm = 0; wm < MWI; wm++) {
        const int i = i0 + wm * MDIMC + ty;
        #pragma unroll
        for (int wn = 0; wn < NVW; wn++) {
            const int j = j0 + (wn * NDIMC + tx) * VWN;
            __global float* c = C + i * N + j;
            if (per_element) {
                const float* v = (const float*) &acc[wm][wn];
                #pragma unroll
                for (int e = 0; e < VWN; e++) {
                    if (!EDGES || (i < M && j + e < N)) {
                        store_c_as(epilogue, C, i * N + j + e, j + e, alpha, v[e], beta, bias, X_out, S_in, X_in,
                                   act, act_alpha, act_beta, act_gamma, act_lambda, finish);
                    }
                }
            } else {
                const floatn r = alpha * acc[wm][wn];
                VSTOREN(beta == 0.0f ? r : r + beta * VLOADN(0, c), 0, c);
            }
        }
        if (sums_bias && i < M) {
            store_bias_gradient(bias_grad, i, bias_sum[wm], beta);
        }
    }
}

// The bias-gradient operand of the compile-time EPILOGUE, for tiled_block.
#if EPILOGUE == EPI_BIAS_GRADIENT
#define BIAS_GRAD_OPERAND bias_grad
#else
#define BIAS_GRAD_OPERAND 0
#endif

__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))
void gemm(const int M, const int N, const int K, const float alpha, const float beta,
          const __global float* restrict A, const __global float* restrict B, __global float* C
          EPILOGUE_PARAMS SPLIT_PARAMS) {
    K_RANGE(p_lo, p_hi)
    // Alm[k * LDA + i] = op(A)(i0 + i, p0 + k); Blm[k * NWG + j] = op(B)(p0 + k, j0 + j).
    __local float Alm[KWG * LDA];
    __local floatn Blm[KWG * NWG / VWN];
    tiled_block(TRANS_A, TRANS_B, EPILOGUE, get_group_id(1), get_group_id(0), M, N, K, p_lo, p_hi, alpha, beta,
                A, B, C, EPILOGUE_OPERANDS, BIAS_GRAD_OPERAND, Alm, Blm);
}

#if PAIR
// A layer's two backward products in one launch (-D PAIR=1, built with TRANS_A = TRANS_B = 0 and no
// EPILOGUE): the work-groups whose index along dimension 1 is below groups1 compute
// C1 = delta^T * X1 + beta1*C1 with the bias gradient, the others C2 = (delta * W) .* f'(S, X); each
// over all of its K with the arithmetic of its own launch. Both share the one pair of local tiles
// (the tuning's, the same for both). NDRange (N extent, block rows of both stacked).
__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))
void gemm_pair(PAIR_PARAMS) {
    __local float Alm[KWG * LDA];
    __local floatn Blm[KWG * NWG / VWN];
    const int gm = get_group_id(1);
    if (gm < groups1) {
        tiled_block(1, 0, EPI_BIAS_GRADIENT, gm, get_group_id(0), M1, N1, K1, 0, K1, 1.0f, beta1, A1, B1, C1,
                    0, 0, 0, 0, 0, 0.0f, 0.0f, 0.0f, 0.0f, 0, bias_grad, Alm, Blm);
    } else {
        tiled_block(0, 0, EPI_DERIVATIVE, gm - groups1, get_group_id(0), M2, N2, K2, 0, K2, 1.0f, 0.0f, A2, B2, C2,
                    0, 0, S, X, act, act_alpha, act_beta, 0.0f, act_lambda, 1, 0, Alm, Blm);
    }
}
#endif
