// gemm_direct: C <- alpha*op(A)*op(B) + beta*C on row-major float matrices (op(A) M x K,
// op(B) K x N, C M x N), for CPU devices. Each work-item keeps a block of C in vector registers
// and reads A and B straight from global memory, which on a CPU is cached memory: there is no
// local memory and no barrier. That matters on PoCL, which runs a work-group as loops over its
// work-items: in a kernel with barriers it keeps every value that lives across a barrier (the
// accumulators of a tiled kernel like gemm.cl) in memory, not in registers.
//
// Two inner loops, chosen by the transposes (compile-time):
//  - outer product (every case but TRANS_B && !TRANS_A): a work-item owns MWID rows x NWID
//    columns; per step of K it loads NWID / VWD vectors of a row of op(B) and broadcasts MWID
//    values of op(A) into them. op(B)'s rows are contiguous unless TRANS_B (gathered then).
//  - dot product (TRANS_B && !TRANS_A, the forward pass S = X*W^T): rows of A and of B are both
//    contiguous along K, so a work-item owns MDOT x NDOT elements of C, each a VWD-wide partial
//    sum along K, added up at the end.
// Any M, N, K: a work-item whose block crosses the edge of C computes its part element by
// element; the K loop has a scalar tail. A launch sums over p_begin <= p < p_end only: the host
// may split K into slices, one launch each (beta = 1 after the first), so that the rows of A and
// B a slice touches stay in the cache while every work-item goes through them.
//
// Any epilogue of common.cl (EPILOGUE): the bias gradient only in the outer-product form, the
// others in both. With SPLIT_K, the slice comes from the third NDRange dimension, not p_from, p_to.
// The body is direct_block, which gemm_direct calls with TRANS_A and EPILOGUE and, with PAIR,
// gemm_direct_pair calls twice, for a layer's two backward products in one launch.
//
// A file of its own rather than more knobs of gemm.cl: the two share the problem and common.cl's
// helpers, not a loop, and each loop nest is only fast on its kind of device.
//
// The host prepends -D values for the knobs below (and TRANS_A, TRANS_B, defaulted in common.cl) and
// launches NDRange (ceil(N/NWID) rounded up to NDIMCD, ceil(M/MWID) rounded up to MDIMCD) (MDOT,
// NDOT for the dot form) in work-groups of (NDIMCD, MDIMCD); the defaults only make the file
// compile without the host's defines.

#ifndef VWD
#define VWD 8          // vector width (2, 4, 8 or 16): the CPU's float lanes
#endif
#ifndef MWID
#define MWID 4         // outer product: rows of C per work-item
#endif
#ifndef NWID
#define NWID 16        // outer product: columns of C per work-item, a multiple of VWD
#endif
#ifndef MDOT
#define MDOT 4         // dot product: rows of C per work-item
#endif
#ifndef NDOT
#define NDOT 2         // dot product: columns of C per work-item
#endif
#ifndef MDIMCD
#define MDIMCD 16      // work-items per work-group along M (they share the rows of op(B) they read)
#endif
#ifndef NDIMCD
#define NDIMCD 1       // work-items per work-group along N
#endif
#ifndef PAIR
#define PAIR 0         // 1: also gemm_direct_pair, the two backward products of a layer in one launch
#endif

#if NWID % VWD != 0
#error "gemm_direct: NWID must be a multiple of VWD"
#endif

typedef XCAT(float, VWD) floatv;
#define VLOAD(i, p) XCAT(vload, VWD)(i, p)
#define VSTORE(v, i, p) XCAT(vstore, VWD)(v, i, p)

#define DOT_FORM (TRANS_B && !TRANS_A)
#if DOT_FORM
#define ROWS MDOT
#define COLS NDOT
#else
#define ROWS MWID
#define COLS NWID
#endif

// op(A)(i, p) and op(B)(p, j) of the stored matrices; direct_block's trans_a is TRANS_A but in the
// pair kernel, and a constant wherever it is called, so the choice is made at compile time.
#define OP_A(i, p) (trans_a ? A[(p) * M + (i)] : A[(i) * K + (p)])
#if TRANS_B
#define OP_B(p, j) B[(j) * K + (p)]
#else
#define OP_B(p, j) B[(p) * N + (j)]
#endif

// The block of C at (block row gi, block column gj) of a product over K's range [p_begin, p_end), with
// the epilogue `epilogue` (its operands as store_c_as takes them, and bias_grad).
inline void direct_block(const int trans_a, const int epilogue, const int gi, const int gj,
                         const int M, const int N, const int K, const int p_begin, const int p_end,
                         const float alpha, const float beta,
                         const __global float* restrict A, const __global float* restrict B, __global float* C,
                         const __global float* bias, __global float* X_out, const __global float* S_in,
                         const __global float* X_in, const int act, const float act_alpha, const float act_beta,
                         const float act_gamma, const float act_lambda, const int finish,
                         __global float* bias_grad) {
    const int i0 = gi * ROWS;
    const int j0 = gj * COLS;
    if (i0 >= M || j0 >= N) {
        return;  // a work-item of the rounded-up NDRange with nothing to do
    }

    if (i0 + ROWS > M || j0 + COLS > N) {
        // The block crosses the edge of C: one element at a time, only those inside.
        for (int i = i0; i < min(i0 + ROWS, M); i++) {
            for (int j = j0; j < min(j0 + COLS, N); j++) {
                float sum = 0.0f;
                for (int p = p_begin; p < p_end; p++) {
                    sum = fma(OP_A(i, p), OP_B(p, j), sum);
                }
                store_c_as(epilogue, C, i * N + j, j, alpha, sum, beta, bias, X_out, S_in, X_in, act, act_alpha,
                           act_beta, act_gamma, act_lambda, finish);
            }
            if (epilogue == EPI_BIAS_GRADIENT && j0 == 0) {
                float bias_sum = 0.0f;
                for (int p = p_begin; p < p_end; p++) {
                    bias_sum += OP_A(i, p);
                }
                store_bias_gradient(bias_grad, i, bias_sum, beta);
            }
        }
        return;
    }

#if DOT_FORM
    // acc[a][b] holds VWD partial sums along K of C(i0 + a, j0 + b).
    floatv acc[MDOT][NDOT];
    #pragma unroll
    for (int a = 0; a < MDOT; a++) {
        #pragma unroll
        for (int b = 0; b < NDOT; b++) {
            acc[a][b] = (floatv) 0.0f;
        }
    }
    const int k_vectors = p_begin + (p_end - p_begin) / VWD * VWD;
    for (int p = p_begin; p < k_vectors; p += VWD) {
        floatv av[MDOT];
        #pragma unroll
        for (int a = 0; a < MDOT; a++) {
            av[a] = VLOAD(0, A + (i0 + a) * K + p);
        }
        #pragma unroll
        for (int b = 0; b < NDOT; b++) {
            const floatv bv = VLOAD(0, B + (j0 + b) * K + p);
            #pragma unroll
            for (int a = 0; a < MDOT; a++) {
                acc[a][b] = fma(av[a], bv, acc[a][b]);
            }
        }
    }
    #pragma unroll
    for (int a = 0; a < MDOT; a++) {
        #pragma unroll
        for (int b = 0; b < NDOT; b++) {
            // Fold the VWD lanes, then add the K tail.
            const float* lanes = (const float*) &acc[a][b];
            float sum = 0.0f;
            for (int e = 0; e < VWD; e++) {
                sum += lanes[e];
            }
            for (int p = k_vectors; p < p_end; p++) {
                sum = fma(OP_A(i0 + a, p), OP_B(p, j0 + b), sum);
            }
            store_c_as(epilogue, C, (i0 + a) * N + j0 + b, j0 + b, alpha, sum, beta,
                       bias, X_out, S_in, X_in, act, act_alpha, act_beta, act_gamma, act_lambda, finish);
        }
    }
#else
    // acc[a][v] holds C(i0 + a, j0 + v*VWD .. j0 + v*VWD + VWD - 1).
    floatv acc[MWID][NWID / VWD];
    #pragma unroll
    for (int a = 0; a < MWID; a++) {
        #pragma unroll
        for (int v = 0; v < NWID / VWD; v++) {
            acc[a][v] = (floatv) 0.0f;
        }
    }
    for (int p = p_begin; p < p_end; p++) {
        floatv bv[NWID / VWD];
        #pragma unroll
        for (int v = 0; v < NWID / VWD; v++) {
#if TRANS_B
            float gathered[VWD];
            #pragma unroll
            for (int e = 0; e < VWD; e++) {
                gathered[e] = OP_B(p, j0 + v * VWD + e);
            }
            bv[v] = VLOAD(0, gathered);
#else
            bv[v] = VLOAD(0, B + p * N + j0 + v * VWD);
#endif
        }
        #pragma unroll
        for (int a = 0; a < MWID; a++) {
            const floatv av = (floatv) OP_A(i0 + a, p);
            #pragma unroll
            for (int v = 0; v < NWID / VWD; v++) {
                acc[a][v] = fma(av, bv[v], acc[a][v]);
            }
        }
    }
    #pragma unroll
    for (int a = 0; a < MWID; a++) {
        #pragma unroll
        for (int v = 0; v < NWID / VWD; v++) {
            if (epilogue == EPI_BIAS_ACTIVATION || epilogue == EPI_DERIVATIVE) {
                const float* lanes = (const float*) &acc[a][v];
                #pragma unroll
                for (int e = 0; e < VWD; e++) {
                    const int j = j0 + v * VWD + e;
                    store_c_as(epilogue, C, (i0 + a) * N + j, j, alpha, lanes[e], beta,
                               bias, X_out, S_in, X_in, act, act_alpha, act_beta, act_gamma, act_lambda, finish);
                }
            } else {
                __global float* c = C + (i0 + a) * N + j0 + v * VWD;
                const floatv r = alpha * acc[a][v];
                VSTORE(beta == 0.0f ? r : r + beta * VLOAD(0, c), 0, c);
            }
        }
    }
    // The work-items of C's first columns also add up op(A)'s rows, the bias gradient: in a loop of
    // their own, which keeps the branch out of the multiply-adds' loop (the rows are in the cache).
    if (epilogue == EPI_BIAS_GRADIENT && j0 == 0) {
        for (int a = 0; a < MWID; a++) {
            float bias_sum = 0.0f;
            for (int p = p_begin; p < p_end; p++) {
                bias_sum += OP_A(i0 + a, p);
            }
            store_bias_gradient(bias_grad, i0 + a, bias_sum, beta);
        }
    }
#endif
}

// The bias-gradient operand of the compile-time EPILOGUE, for direct_block.
#if EPILOGUE == EPI_BIAS_GRADIENT
#define BIAS_GRAD_OPERAND bias_grad
#else
#define BIAS_GRAD_OPERAND 0
#endif

__kernel __attribute__((reqd_work_group_size(NDIMCD, MDIMCD, 1)))
void gemm_direct(const int M, const int N, const int K, const int p_from, const int p_to,
                 const float alpha, const float beta,
                 const __global float* restrict A, const __global float* restrict B, __global float* C
                 EPILOGUE_PARAMS SPLIT_PARAMS) {
#if SPLIT_K
    K_RANGE(p_begin, p_end)
#else
    const int p_begin = p_from;
    const int p_end = p_to;
#endif
    direct_block(TRANS_A, EPILOGUE, get_global_id(1), get_global_id(0), M, N, K, p_begin, p_end, alpha, beta, A, B, C,
                 EPILOGUE_OPERANDS, BIAS_GRAD_OPERAND);
}

#if PAIR
// A layer's two backward products in one launch (-D PAIR=1, built with TRANS_A = TRANS_B = 0 and no
// EPILOGUE): the work-groups whose index along dimension 1 is below groups1 compute
// C1 = delta^T * X1 + beta1*C1 with the bias gradient (the TRANS_A case with EPI_BIAS_GRADIENT), the
// others C2 = (delta * W) .* f'(S, X) (EPI_DERIVATIVE); each over all of its K, with the arithmetic of
// its own launch. Both read delta (A1, A2). NDRange (max of the two N extents, rows of both stacked).
__kernel __attribute__((reqd_work_group_size(NDIMCD, MDIMCD, 1)))
void gemm_direct_pair(PAIR_PARAMS) {
    if ((int) get_group_id(1) < groups1) {
        direct_block(1, EPI_BIAS_GRADIENT, get_global_id(1), get_global_id(0), M1, N1, K1, 0, K1, 1.0f, beta1,
                     A1, B1, C1, 0, 0, 0, 0, 0, 0.0f, 0.0f, 0.0f, 0.0f, 0, bias_grad);
    } else {
        direct_block(0, EPI_DERIVATIVE, (int) get_global_id(1) - groups1 * MDIMCD, get_global_id(0), M2, N2, K2, 0,
                     K2, 1.0f, 0.0f, A2, B2, C2, 0, 0, S, X, act, act_alpha, act_beta, 0.0f, act_lambda, 1, 0);
    }
}
#endif
