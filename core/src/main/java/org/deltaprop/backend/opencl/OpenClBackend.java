package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.backend.DeviceMemory;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.backend.Shapes;
import org.deltaprop.backend.UnfusedSequences;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_buffer_region;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_queue_properties;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenCL backend: every operation is a kernel of {@code kernels/*.cl} enqueued on one
 * in-order command queue of one device, so operations return at once and run in the order they
 * were called; {@link #copyOut} and {@link #synchronize} wait. Matrices live in device buffers
 * for their whole life; {@link #copyIn} writes just the rows it is given, through a staging
 * buffer and without waiting ({@link StagedUploads}). No operation allocates device memory; only
 * {@link #allocate} does.
 *
 * <p>Programs are built on first use, once per set of defines ({@link ProgramCache}), and their
 * kernel objects are kept, so an operation costs a few argument settings and one enqueue.
 * Not thread-safe: one thread drives a backend (kernel arguments are state of the kernel object).
 * {@link #close} releases every OpenCL object this backend made.
 */
public final class OpenClBackend implements Backend {

    /** Which GEMM kernel runs a product; {@link #chooseGemm} picks by shape and by the tuning's DIRECT knob. */
    enum GemmKernel {
        /** gemm.cl, every dimension a multiple of its tile: no bounds checks, vector loads. */
        TILED,
        /** gemm.cl with the large-product tuning's bigger tiles (GPUs), for products that fill the device with them. */
        TILED_LARGE,
        /** gemm.cl with EDGES=1: zero-padded tile loads and guarded stores, for any shape. */
        TILED_EDGES,
        /** gemm_direct.cl: register blocks fed from cached global memory, for any shape (CPUs). */
        DIRECT,
        /** gemm_general.cl: one work-item per element of C, for products too small or skinny to block. */
        GENERAL
    }

    private static final String OUT_OF_MEMORY_FIX =
            "use a smaller batch or another device (-D" + OpenClDevices.PROPERTY + ")";

    private final OpenClDevices.Device device;
    private final GemmTuning tuning;
    private final GemmTuning large;     // bigger tiles for big products, or null
    private final cl_context context;
    private final cl_command_queue queue;
    private final ProgramCache programs;
    private final StagedUploads uploads = new StagedUploads();
    private final Timeline timeline;    // null unless -Ddeltaprop.opencl.timeline asks for one
    private final Set<DeviceMatrix.Buffer> live = new LinkedHashSet<>();
    private long liveBytes;
    private long launches;              // kernels enqueued, for train --profile
    private boolean closed;

    // Launch geometry of the small kernels, passed to them as WGS, CW, RL, TSN, TSM.
    private final int elementGroup;
    private final int rowGroup;
    private final int sumColumns;
    private final int sumLanes;
    private final int generalTile;
    private final int subBufferAlignment;   // floats: where a sub-buffer may start (CL_DEVICE_MEM_BASE_ADDR_ALIGN)

    /** K, the batch, must be at least twice this for a product to be split: each slice sums this much or more. */
    static final int SPLIT_MIN_K = 256;
    private final long scratchFloats;       // the split-K parts' buffer, allocated with the backend
    private final cl_mem scratch;
    private final cl_mem tally;             // output_layer.cl's two counters (rows finished, correct rows), 0 between launches

    /**
     * The widest output layer whose training step is one launch ({@link #fusesOutputLayer}): there a
     * work-item computes a whole row of the product, which a blocked GEMM shares among work-items, so
     * beyond a few dozen columns the product's own kernel is worth the second launch.
     */
    static final int FUSED_OUTPUT_COLUMNS = 64;

    // Kernel objects, made on first use and released by programs.close().
    // GEMM kernels by (epilogue, transposes[, edges]); see the index in each getter.
    private final cl_kernel[] gemmTiled = new cl_kernel[8 * Epilogue.KINDS];
    private final cl_kernel[] gemmTiledLarge = new cl_kernel[4 * Epilogue.KINDS];
    private final cl_kernel[] gemmDirect = new cl_kernel[4 * Epilogue.KINDS];
    private final cl_kernel[] gemmGeneral = new cl_kernel[Epilogue.KINDS];
    private cl_kernel biasActivation;
    private cl_kernel biasSoftmax;
    private cl_kernel activationBackward;
    private cl_kernel outputDelta;
    private cl_kernel outputStep;
    private final cl_kernel[] outputLayer = new cl_kernel[2];   // output_layer.cl: gemm_general's order, the direct kernel's
    private cl_kernel directPair;
    private cl_kernel tiledPair;
    private cl_kernel generalPair;
    private final cl_kernel[] splitKernels = new cl_kernel[3 * Epilogue.KINDS];  // (general, direct, tiled) × epilogue
    private cl_kernel splitKSum;
    private cl_kernel sumRows;
    private cl_kernel countCorrect;
    private cl_kernel axpy;
    private cl_kernel sgdUpdate;
    private cl_kernel momentumUpdate;
    private cl_kernel adamUpdate;
    private cl_kernel dropout;
    private cl_kernel gather;
    private cl_mem gatherIndices;       // GATHER_CHUNK row indices, made by the first gather
    private int[] gatherUploaded = new int[0];   // what gatherIndices holds, when one chunk was written; else empty

    /** A backend on {@code device}, or the reason it cannot start: what the provider makes. */
    static OpenClBackend start(OpenClDevices.Device device) {
        try {
            return new OpenClBackend(device);
        } catch (CLException e) {
            throw new BackendUnavailableException("cannot start OpenCL on " + device.shortName() + ": "
                    + CL.stringFor_errorCode(e.getStatus()), e);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        }
    }

    /** A backend on {@code device} with the GEMM tuning for its type (and {@value GemmTuning#PROPERTY}). */
    OpenClBackend(OpenClDevices.Device device) {
        this(device, GemmTuning.forDevice(device), GemmTuning.largeForDevice(device));
    }

    /** A backend with the given tunings; {@code large} (may be null) serves big products, see {@link #chooseGemm}. */
    OpenClBackend(OpenClDevices.Device device, GemmTuning tuning, GemmTuning large) {
        this(device, tuning, large, Timeline.fromProperties());
    }

    /** As above, recording {@code timeline} (may be null: none, and a queue without profiling). */
    OpenClBackend(OpenClDevices.Device device, GemmTuning tuning, GemmTuning large, Timeline timeline) {
        tuning.checkFits(device);
        if (large != null) {
            large.checkFits(device);
        }
        this.device = device;
        this.tuning = tuning;
        this.large = large;
        int groupLimit = Integer.highestOneBit((int) Math.min(device.maxWorkGroupSize(), 1 << 20));
        this.elementGroup = Math.min(256, groupLimit);
        this.rowGroup = Math.min(64, groupLimit);
        // GPUs: 32 columns make a warp's reads one contiguous row segment, and 8 lanes give 256
        // work-items; CPUs: a work-group runs on one core, where a few lanes keep the tree short.
        this.sumColumns = Math.min(device.isGpu() ? 32 : 16, groupLimit);
        this.sumLanes = Math.max(1, Math.min(device.isGpu() ? 8 : 4, groupLimit / sumColumns));
        this.generalTile = Math.min(16, Integer.highestOneBit((int) Math.sqrt(groupLimit)));
        CL.setExceptionsEnabled(true);
        this.context = DeviceContexts.of(device.id());
        this.queue = createQueue(context, device, timeline != null);
        this.programs = new ProgramCache(context);
        int[] alignBits = new int[1];
        CL.clGetDeviceInfo(device.id(), CL.CL_DEVICE_MEM_BASE_ADDR_ALIGN, Sizeof.cl_uint, Pointer.to(alignBits), null);
        this.subBufferAlignment = Math.max(1, alignBits[0] / 8 / Sizeof.cl_float);
        this.scratchFloats = Math.min(device.maxAllocation() / Sizeof.cl_float, splitTarget() * 4L * largestTile());
        try {
            this.scratch = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, scratchFloats * Sizeof.cl_float, null, null);
        } catch (RuntimeException e) {
            programs.close();
            CL.clReleaseCommandQueue(queue);  // the context is kept: see DeviceContexts
            throw e;
        }
        try {
            this.tally = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE | CL.CL_MEM_COPY_HOST_PTR, 2L * Sizeof.cl_int,
                    Pointer.to(new int[2]), null);
        } catch (RuntimeException e) {
            CL.clReleaseMemObject(scratch);
            programs.close();
            CL.clReleaseCommandQueue(queue);
            throw e;
        }
        this.timeline = timeline;
    }

    /**
     * An in-order queue, made with the call the platform's OpenCL version has; with event profiling
     * only for a timeline, since profiling may cost a driver time on every command.
     */
    @SuppressWarnings("deprecation")
    private static cl_command_queue createQueue(cl_context context, OpenClDevices.Device device, boolean profiling) {
        long flags = profiling ? CL.CL_QUEUE_PROFILING_ENABLE : 0;
        Matcher version = Pattern.compile("OpenCL (\\d+)\\.").matcher(device.platformVersion());
        if (version.find() && Integer.parseInt(version.group(1)) >= 2) {
            cl_queue_properties properties = new cl_queue_properties();
            if (profiling) {
                properties.addProperty(CL.CL_QUEUE_PROPERTIES, flags);
            }
            return CL.clCreateCommandQueueWithProperties(context, device.id(), properties, null);
        }
        return CL.clCreateCommandQueue(context, device.id(), flags, null);
    }

    /** Whether the queue records event times: only where a timeline was asked for. */
    boolean profilingQueue() {
        long[] properties = new long[1];
        CL.clGetCommandQueueInfo(queue, CL.CL_QUEUE_PROPERTIES, Sizeof.cl_ulong, Pointer.to(properties), null);
        return (properties[0] & CL.CL_QUEUE_PROFILING_ENABLE) != 0;
    }

    @Override
    public String name() {
        return "opencl";
    }

    /** A GPU computes apart from the host; an OpenCL CPU device (PoCL) runs on every core it has. */
    @Override
    public int hostThreads() {
        return device.isGpu() ? 0 : device.computeUnits();
    }

    @Override
    public String description() {
        return "OpenCL on #" + device.index() + " " + device.shortName() + ", " + device.platformName()
                + ", " + tuning.summary() + (large == null ? "" : "; big products " + large.summary());
    }

    @Override
    public Optional<DeviceMemory> deviceMemory() {
        return Optional.of(new DeviceMemory("OpenCL device #" + device.index() + " " + device.name(),
                device.globalMemory(), device.maxAllocation(), scratchBytes()));
    }

    /** Every clEnqueueNDRangeKernel this backend made; fills and transfers are not kernels and are not counted. */
    @Override
    public long kernelLaunches() {
        return launches;
    }

    OpenClDevices.Device device() {
        return device;
    }

    /** The bytes of the split-K scratch buffer, which the backend holds from start to close. */
    long scratchBytes() {
        return scratchFloats * Sizeof.cl_float;
    }

    /** Device bytes held by matrices not yet released. */
    long liveBytes() {
        return liveBytes;
    }

    /** Device buffers not yet released. */
    int liveBuffers() {
        return live.size();
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Matrix allocate(int rows, int cols) {
        checkOpen();
        checkShape(rows, cols);
        // A buffer cannot be empty; a 0-row matrix gets one float that no kernel touches.
        long bytes = Math.max(1L, (long) rows * cols) * Sizeof.cl_float;
        if (bytes > device.maxAllocation()) {
            throw outOfMemory("allocate(" + rows + "×" + cols + ")", bytes, "the device allows at most "
                    + OpenClDevices.bytes(device.maxAllocation()) + " in one buffer");
        }
        cl_mem mem;
        try {
            mem = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            throw failure("allocate(" + rows + "×" + cols + ")", bytes, e);
        }
        try {
            // Zero-filled, as the contract says; waiting here also makes drivers that allocate
            // lazily (NVIDIA) report a lack of memory now rather than at some later kernel.
            CL.clEnqueueFillBuffer(queue, mem, Pointer.to(new float[] {0f}), Sizeof.cl_float, 0, bytes, 0, null, null);
            CL.clFinish(queue);
        } catch (CLException e) {
            CL.clReleaseMemObject(mem);
            throw failure("allocate(" + rows + "×" + cols + ")", bytes, e);
        }
        DeviceMatrix.Buffer buffer = new DeviceMatrix.Buffer(mem, bytes);
        live.add(buffer);
        liveBytes += bytes;
        return new DeviceMatrix(this, buffer, rows, cols);
    }

    /**
     * One buffer, each part a sub-buffer of it at an offset the device allows (its base-address
     * alignment, so a part may be followed by a few floats of padding), so that an element-wise
     * kernel over the whole updates every part in one launch. Where the whole would exceed the
     * largest buffer the device allows, the parts are allocated apart.
     */
    @Override
    public PackedMatrices allocatePacked(int[] rows, int[] cols) {
        checkOpen();
        Shapes.packed(rows, cols);
        long[] offsets = new long[rows.length];
        long total = 0;
        for (int i = 0; i < rows.length; i++) {
            checkShape(rows[i], cols[i]);
            offsets[i] = total;
            long end = total + Math.max(1L, (long) rows[i] * cols[i]);
            total = (end + subBufferAlignment - 1) / subBufferAlignment * subBufferAlignment;
        }
        if (total > Integer.MAX_VALUE || total * Sizeof.cl_float > device.maxAllocation()) {
            return Backend.super.allocatePacked(rows, cols);
        }
        Matrix whole = allocate(1, (int) total);
        List<Matrix> parts = new ArrayList<>();
        try {
            for (int i = 0; i < rows.length; i++) {
                cl_buffer_region region = new cl_buffer_region(offsets[i] * Sizeof.cl_float,
                        Math.max(1L, (long) rows[i] * cols[i]) * Sizeof.cl_float);
                cl_mem sub = CL.clCreateSubBuffer(mem(whole), CL.CL_MEM_READ_WRITE, CL.CL_BUFFER_CREATE_TYPE_REGION,
                        region, null);
                DeviceMatrix.Buffer buffer = new DeviceMatrix.Buffer(sub, 0);   // its bytes are the whole's
                live.add(buffer);
                parts.add(new DeviceMatrix(this, buffer, rows[i], cols[i]));
            }
        } catch (CLException e) {
            parts.forEach(this::release);
            release(whole);
            throw failure("allocatePacked(" + rows.length + " matrices)", total * Sizeof.cl_float, e);
        }
        return new PackedMatrices(parts, whole);
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot allocate a " + rows + "×" + cols + " matrix: at most "
                    + Integer.MAX_VALUE + " elements");
        }
    }

    @Override
    public void release(Matrix m) {
        checkOpen();
        Shapes.owned(this, m, "release");
        DeviceMatrix.Buffer buffer = ((DeviceMatrix) m).buffer();
        cl_mem mem = buffer.take();
        if (mem != null) {
            // The driver keeps the buffer until the queued kernels that use it have finished.
            live.remove(buffer);
            liveBytes -= buffer.bytes;
            CL.clReleaseMemObject(mem);
        }
    }

    @Override
    public void copyIn(float[] src, int offset, Matrix dst) {
        checkOpen();
        Shapes.copy(this, src, offset, dst, "copyIn");
        if (dst.size() == 0) {
            return;
        }
        try {
            boolean recorded = timeline != null && timeline.records();
            cl_event event = uploads.write(queue, mem(dst), src, offset, dst.size(), recorded);
            if (recorded) {
                timeline.add("copyIn(" + dst.shape() + ")", "write", event);
            }
        } catch (CLException e) {
            throw failure("copyIn(" + dst.shape() + ")", 0, e);
        }
    }

    @Override
    public void copyOut(Matrix src, float[] dst, int offset) {
        checkOpen();
        Shapes.copy(this, dst, offset, src, "copyOut");
        if (src.size() == 0) {
            return;
        }
        try {
            cl_event event = timeline != null && timeline.records() ? new cl_event() : null;
            CL.clEnqueueReadBuffer(queue, mem(src), CL.CL_TRUE, 0, (long) src.size() * Sizeof.cl_float,
                    Pointer.to(dst).withByteOffset((long) offset * Sizeof.cl_float), 0, null, event);
            if (event != null) {
                timeline.add("copyOut(" + src.shape() + ")", "read", event);
            }
        } catch (CLException e) {
            throw failure("copyOut(" + src.shape() + ")", 0, e);
        }
    }

    /** Row indices one gather launch takes; a larger destination is gathered in launches of this many rows. */
    static final int GATHER_CHUNK = 1 << 16;

    /**
     * The indices are staged and written without waiting (as {@link #copyIn}), into one buffer of
     * {@value #GATHER_CHUNK} ints that the first gather makes (256 KiB, the one buffer an operation
     * makes) and each later one reuses: on the in-order queue a write runs after the launch that
     * read the previous indices. Indices equal to those the buffer holds already (a batch's
     * targets gathered after its features) are not written again: compared by value, so an array
     * refilled in place is written. Then one launch per chunk copies the rows on the device.
     */
    @Override
    public void gather(Matrix source, int[] rows, int offset, Matrix dst) {
        checkOpen();
        Shapes.gather(this, source, rows, offset, dst);
        int cols = dst.cols();
        if (dst.size() == 0) {
            return;
        }
        if (gather == null) {
            gather = kernel("gather", ProgramCache.defines("WGS", elementGroup));
        }
        try {
            if (gatherIndices == null) {
                gatherIndices = CL.clCreateBuffer(context, CL.CL_MEM_READ_ONLY, (long) GATHER_CHUNK * Sizeof.cl_int,
                        null, null);
            }
            boolean oneChunk = dst.rows() <= GATHER_CHUNK;
            for (int first = 0; first < dst.rows(); first += GATHER_CHUNK) {
                int count = Math.min(GATHER_CHUNK, dst.rows() - first);
                int from = offset + first;
                if (!oneChunk || !Arrays.equals(rows, from, from + count, gatherUploaded, 0, gatherUploaded.length)) {
                    boolean recorded = timeline != null && timeline.records();
                    cl_event event = uploads.write(queue, gatherIndices, rows, from, count, recorded);
                    if (recorded) {
                        timeline.add("gather indices(" + count + ")", "write", event);
                    }
                    gatherUploaded = oneChunk ? Arrays.copyOfRange(rows, from, from + count) : new int[0];
                }
                args(gather, count, cols, first, mem(source), gatherIndices, mem(dst));
                launch(gather, "gather", count * cols, elementGroup);
            }
        } catch (CLException e) {
            throw failure("gather(" + dst.shape() + " from " + source.shape() + ")", 0, e);
        }
    }

    // ---- GEMM ---------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        checkOpen();
        Shapes.gemm(this, transA, transB, a, b, c);
        int k = transA ? a.rows() : a.cols();
        gemm(chooseGemm(transA, transB, c.rows(), c.cols(), k), transA, transB, alpha, a, b, beta, c);
    }

    /**
     * With the direct kernel (CPUs): it, unless C is smaller than one work-item's block. With the
     * tiled kernel (GPUs): it where every dimension is a multiple of its tile; with edges where
     * the padding of partial tiles adds at most as much work again as the product itself; the
     * general kernel for the rest (small or skinny products). With a large-product tuning, its
     * bigger tiles where they fit exactly and make at least two work-groups per compute unit.
     */
    GemmKernel chooseGemm(boolean transA, boolean transB, int m, int n, int k) {
        if (tuning.direct()) {
            int[] block = tuning.directBlock(transA, transB);
            return m >= block[0] && n >= block[1] ? GemmKernel.DIRECT : GemmKernel.GENERAL;
        }
        if (large != null && tilesExactly(large, m, n, k)
                && (long) (m / large.knob("MWG")) * (n / large.knob("NWG")) >= 2L * device.computeUnits()) {
            return GemmKernel.TILED_LARGE;
        }
        int mwg = tuning.knob("MWG"), nwg = tuning.knob("NWG"), kwg = tuning.knob("KWG");
        if (tilesExactly(tuning, m, n, k)) {
            return GemmKernel.TILED;
        }
        double padded = (double) roundUp(m, mwg) * roundUp(n, nwg) * roundUp(k, kwg);
        return padded <= 2.0 * m * n * k ? GemmKernel.TILED_EDGES : GemmKernel.GENERAL;
    }

    private static boolean tilesExactly(GemmTuning t, int m, int n, int k) {
        return m % t.knob("MWG") == 0 && n % t.knob("NWG") == 0 && k % t.knob("KWG") == 0;
    }

    /** C ← α·op(A)·op(B) + β·C with the given kernel (tests compare the kernels through this). */
    void gemm(GemmKernel kernel, boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
              Matrix c) {
        gemm(kernel, transA, transB, alpha, a, b, beta, c, Epilogue.NONE);
    }

    /**
     * What a GEMM launch does besides the product, in the stores of C: common.cl's EPI_* code and the
     * kernel arguments that follow C. The δ step's last argument says whether the launch finishes K,
     * and is added per launch.
     */
    record Epilogue(int code, Object... args) {
        static final int KINDS = 4;
        static final int BIAS_ACTIVATION = 1;
        static final int DERIVATIVE = 2;
        static final int BIAS_GRADIENT = 3;
        static final Epilogue NONE = new Epilogue(0);

        /** The epilogue's kernel arguments for a launch that does or does not finish K. */
        Object[] launchArgs(boolean finish) {
            if (code != DERIVATIVE) {
                return args;
            }
            Object[] all = Arrays.copyOf(args, args.length + 1);
            all[args.length] = finish ? 1 : 0;
            return all;
        }

        SortedMap<String, Integer> addTo(SortedMap<String, Integer> defines) {
            if (code != 0) {
                defines.put("EPILOGUE", code);
            }
            return defines;
        }
    }

    /** The product with an epilogue: the fused operations launch through this. */
    void gemm(GemmKernel kernel, boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
              Matrix c, Epilogue epilogue) {
        checkOpen();
        Shapes.gemm(this, transA, transB, a, b, c);
        int m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        if (m == 0 || n == 0) {
            return;
        }
        int split = splitSlice(kernel, transA, transB, m, n, k);
        if (split > 0) {
            splitGemm(kernel, transA, transB, alpha, a, b, beta, c, epilogue, split);
            return;
        }
        switch (kernel) {
            case GENERAL -> {
                cl_kernel general = gemmGeneral(epilogue);
                args(general, concat(new Object[] {m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta, mem(a), mem(b),
                        mem(c)}, epilogue.launchArgs(true)));
                launch(general, gemmName(transA, transB),
                        new long[] {roundUp(n, generalTile), roundUp(m, generalTile)},
                        new long[] {generalTile, generalTile});
            }
            case DIRECT -> {
                int[] block = tuning.directBlock(transA, transB);
                int groupRows = tuning.knob("MDIMCD"), groupCols = tuning.knob("NDIMCD");
                cl_kernel direct = gemmDirect(transA, transB, epilogue);
                long[] global = {roundUp(ceilDiv(n, block[1]), groupCols), roundUp(ceilDiv(m, block[0]), groupRows)};
                // The forward epilogue adds the bias once: one launch over all of K (the dot form never slices anyway).
                int slice = epilogue.code() == Epilogue.BIAS_ACTIVATION ? Math.max(k, 1) : directSlice(transA, transB, k);
                for (int p = 0; p < Math.max(k, 1); p += slice) {
                    boolean finish = p + slice >= k;
                    args(direct, concat(new Object[] {m, n, k, p, Math.min(k, p + slice), alpha, p == 0 ? beta : 1f,
                            mem(a), mem(b), mem(c)}, epilogue.launchArgs(finish)));
                    launch(direct, gemmName(transA, transB), global, new long[] {groupCols, groupRows});
                }
            }
            case TILED, TILED_EDGES, TILED_LARGE -> {
                boolean bigTiles = kernel == GemmKernel.TILED_LARGE;
                GemmTuning t = bigTiles ? large : tuning;
                if (t == null) {
                    throw new IllegalArgumentException("gemm: this backend has no large-product tuning");
                }
                int mwg = t.knob("MWG"), nwg = t.knob("NWG"), kwg = t.knob("KWG");
                int mdimc = t.knob("MDIMC"), ndimc = t.knob("NDIMC");
                boolean edges = kernel == GemmKernel.TILED_EDGES;
                if (!edges && !tilesExactly(t, m, n, k)) {
                    throw new IllegalArgumentException("gemm: the tiled kernel needs m, n, k multiples of " + mwg
                            + ", " + nwg + ", " + kwg + "; got " + m + ", " + n + ", " + k);
                }
                cl_kernel tiled = bigTiles ? gemmTiledLarge(transA, transB, epilogue)
                        : gemmTiled(transA, transB, edges, epilogue);
                args(tiled, concat(new Object[] {m, n, k, alpha, beta, mem(a), mem(b), mem(c)}, epilogue.launchArgs(true)));
                launch(tiled, gemmName(transA, transB),
                        new long[] {(long) ceilDiv(n, nwg) * ndimc, (long) ceilDiv(m, mwg) * mdimc},
                        new long[] {ndimc, mdimc});
            }
        }
    }

    /** gemm NT for (false, true), the forward product, and so on: how failures and the timeline name a product. */
    private static String gemmName(boolean transA, boolean transB) {
        return "gemm " + (transA ? 'T' : 'N') + (transB ? 'T' : 'N');
    }

    /**
     * The range of K one launch of the direct kernel sums. The outer-product form sums K in slices
     * of KCD, one launch each, so that the rows of A and B one slice touches stay cached while all
     * work-items go through them; the dot form (false, true) lost speed to slicing and never slices.
     */
    private int directSlice(boolean transA, boolean transB, int k) {
        return tuning.knob("KCD") > 0 && !(transB && !transA) ? tuning.knob("KCD") : Math.max(k, 1);
    }

    /**
     * The kernels {@link #gemm} launches for a product of this shape: one; or one per slice of K
     * ({@link #directSlice}); or two where K is split ({@link #splitSlice}: the parts, then their sum).
     */
    int gemmLaunches(boolean transA, boolean transB, int m, int n, int k) {
        if (m == 0 || n == 0) {
            return 0;
        }
        GemmKernel kernel = chooseGemm(transA, transB, m, n, k);
        if (splitSlice(kernel, transA, transB, m, n, k) > 0) {
            return 2;
        }
        return kernel == GemmKernel.DIRECT ? ceilDiv(Math.max(k, 1), directSlice(transA, transB, k)) : 1;
    }

    // ---- split-K ------------------------------------------------------------------------------

    /** Work-groups that fill the device: two per compute unit, so that one waiting on memory leaves the unit another. */
    private long splitTarget() {
        return 2L * device.computeUnits();
    }

    /** The most elements of C one work-group of any kernel this backend may run computes. */
    private long largestTile() {
        long tile = (long) generalTile * generalTile;
        if (tuning.direct()) {
            int[] outer = tuning.directBlock(true, false);
            tile = Math.max(tile, (long) outer[0] * tuning.knob("MDIMCD") * outer[1] * tuning.knob("NDIMCD"));
        } else {
            tile = Math.max(tile, (long) tuning.knob("MWG") * tuning.knob("NWG"));
        }
        return tile;
    }

    /** The work-groups {@code kernel} makes for an m × n product (the (true, false) case's blocks for the direct kernel). */
    private long workGroups(GemmKernel kernel, int m, int n) {
        return switch (kernel) {
            case GENERAL -> (long) ceilDiv(n, generalTile) * ceilDiv(m, generalTile);
            case DIRECT -> {
                int[] block = tuning.directBlock(true, false);
                yield (long) ceilDiv(ceilDiv(n, block[1]), tuning.knob("NDIMCD"))
                        * ceilDiv(ceilDiv(m, block[0]), tuning.knob("MDIMCD"));
            }
            case TILED, TILED_EDGES -> (long) ceilDiv(n, tuning.knob("NWG")) * ceilDiv(m, tuning.knob("MWG"));
            case TILED_LARGE -> Long.MAX_VALUE;
        };
    }

    /**
     * Split-K, for the weight-gradient product δᵀ·X, (true, false): where its K (the batch) is at least
     * 2·{@value #SPLIT_MIN_K} and C makes fewer work-groups than fill the device (two per compute unit),
     * K is cut into as many slices as bring the work-groups up to that, each at least
     * {@value #SPLIT_MIN_K} long (a multiple of KWG for the tiled kernel) and all of whose parts fit
     * the scratch buffer. Returns the slice's length, or 0 for a product that is not split.
     */
    int splitSlice(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k) {
        if (!transA || transB || kernel == GemmKernel.TILED_LARGE || k < 2 * SPLIT_MIN_K) {
            return 0;
        }
        long groups = workGroups(kernel, m, n);
        if (groups >= splitTarget()) {
            return 0;
        }
        long perPart = (long) m * n + m;   // C's part and the bias gradient's
        long slices = Math.min(Math.min((splitTarget() + groups - 1) / groups, k / SPLIT_MIN_K), scratchFloats / perPart);
        if (slices < 2) {
            return 0;
        }
        int granule = kernel == GemmKernel.TILED || kernel == GemmKernel.TILED_EDGES ? tuning.knob("KWG") : 1;
        int slice = roundUp(ceilDiv(k, (int) slices), granule);
        return ceilDiv(k, slice) < 2 ? 0 : slice;
    }

    /**
     * The parts of a split product, each slice of K into its own part of the scratch buffer (α = 1,
     * β = 0; the bias gradient's parts after C's), in one launch over a third dimension, then
     * split_k_sum.cl adding them up in order with α and β: two launches however many slices.
     */
    private void splitGemm(GemmKernel kernel, boolean transA, boolean transB, float alpha, Matrix a, Matrix b,
                           float beta, Matrix c, Epilogue epilogue, int slice) {
        int m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        int slices = ceilDiv(k, slice);
        boolean bias = epilogue.code() == Epilogue.BIAS_GRADIENT;
        Object[] tail = bias ? new Object[] {scratch, slice, slices} : new Object[] {slice, slices};
        cl_kernel parts = splitKernel(kernel, transA, transB, epilogue);
        switch (kernel) {
            case GENERAL -> {
                args(parts, concat(new Object[] {m, n, k, 1, 0, 1f, 0f, mem(a), mem(b), scratch}, tail));
                launch(parts, "gemm(split K)", new long[] {roundUp(n, generalTile), roundUp(m, generalTile), slices},
                        new long[] {generalTile, generalTile, 1});
            }
            case DIRECT -> {
                int[] block = tuning.directBlock(transA, transB);
                int groupRows = tuning.knob("MDIMCD"), groupCols = tuning.knob("NDIMCD");
                args(parts, concat(new Object[] {m, n, k, 0, k, 1f, 0f, mem(a), mem(b), scratch}, tail));
                launch(parts, "gemm(split K)", new long[] {roundUp(ceilDiv(n, block[1]), groupCols),
                        roundUp(ceilDiv(m, block[0]), groupRows), slices}, new long[] {groupCols, groupRows, 1});
            }
            default -> {
                int mdimc = tuning.knob("MDIMC"), ndimc = tuning.knob("NDIMC");
                args(parts, concat(new Object[] {m, n, k, 1f, 0f, mem(a), mem(b), scratch}, tail));
                launch(parts, "gemm(split K)", new long[] {(long) ceilDiv(n, tuning.knob("NWG")) * ndimc,
                        (long) ceilDiv(m, tuning.knob("MWG")) * mdimc, slices}, new long[] {ndimc, mdimc, 1});
            }
        }
        if (splitKSum == null) {
            splitKSum = kernel("split_k_sum", ProgramCache.defines("WGS", elementGroup));
        }
        args(splitKSum, m, n, slices, alpha, beta, scratch, mem(c), bias ? 1 : 0, bias ? epilogue.args()[0] : mem(c));
        launch(splitKSum, "gemm(split K sum)", m * n + (bias ? m : 0), elementGroup);
    }

    private cl_kernel splitKernel(GemmKernel kernel, boolean transA, boolean transB, Epilogue epilogue) {
        int which = switch (kernel) {
            case GENERAL -> 0;
            case DIRECT -> 1;
            default -> 2;
        };
        int index = which * Epilogue.KINDS + epilogue.code();
        if (splitKernels[index] == null) {
            SortedMap<String, Integer> defines = switch (kernel) {
                case GENERAL -> ProgramCache.defines("TSN", generalTile, "TSM", generalTile);
                case DIRECT -> tuning.directDefines(transA, transB);
                default -> tuning.tiledDefines(transA, transB, true);
            };
            defines.put("SPLIT_K", 1);
            splitKernels[index] = kernel(new String[] {"gemm_general", "gemm_direct", "gemm"}[which],
                    epilogue.addTo(defines));
        }
        return splitKernels[index];
    }

    private cl_kernel gemmTiled(boolean transA, boolean transB, boolean edges, Epilogue epilogue) {
        int index = epilogue.code() * 8 + (transA ? 4 : 0) + (transB ? 2 : 0) + (edges ? 1 : 0);
        if (gemmTiled[index] == null) {
            gemmTiled[index] = kernel("gemm", epilogue.addTo(tuning.tiledDefines(transA, transB, edges)));
        }
        return gemmTiled[index];
    }

    private cl_kernel gemmTiledLarge(boolean transA, boolean transB, Epilogue epilogue) {
        int index = epilogue.code() * 4 + (transA ? 2 : 0) + (transB ? 1 : 0);
        if (gemmTiledLarge[index] == null) {
            gemmTiledLarge[index] = kernel("gemm", epilogue.addTo(large.tiledDefines(transA, transB, false)));
        }
        return gemmTiledLarge[index];
    }

    private cl_kernel gemmDirect(boolean transA, boolean transB, Epilogue epilogue) {
        int index = epilogue.code() * 4 + (transA ? 2 : 0) + (transB ? 1 : 0);
        if (gemmDirect[index] == null) {
            gemmDirect[index] = kernel("gemm_direct", epilogue.addTo(tuning.directDefines(transA, transB)));
        }
        return gemmDirect[index];
    }

    private cl_kernel gemmGeneral(Epilogue epilogue) {
        if (gemmGeneral[epilogue.code()] == null) {
            gemmGeneral[epilogue.code()] = kernel("gemm_general",
                    epilogue.addTo(ProgramCache.defines("TSN", generalTile, "TSM", generalTile)));
        }
        return gemmGeneral[epilogue.code()];
    }

    // ---- fused operations ---------------------------------------------------------------------
    // Each is one product whose stores do the element-wise rest (common.cl's epilogues), with the
    // arithmetic of the operations it replaces; what a work-item's block cannot see (a softmax row)
    // runs as the unfused sequence.

    @Override
    public void gemmBiasActivation(Matrix x, Matrix w, Matrix bias, Activation f, Matrix s, Matrix out) {
        checkOpen();
        Shapes.gemm(this, false, true, x, w, s);
        Shapes.biasActivation(this, bias, s, out);
        if (!f.isElementwise()) {
            UnfusedSequences.gemmBiasActivation(this, x, w, bias, f, s, out);
            return;
        }
        gemm(chooseGemm(false, true, s.rows(), s.cols(), x.cols()), false, true, 1f, x, w, 0f, s,
                new Epilogue(Epilogue.BIAS_ACTIVATION, mem(bias), mem(out), KernelCodes.activation(f), (float) f.alpha(),
                        (float) f.beta(), (float) f.gamma(), (float) f.lambda()));
    }

    @Override
    public void gemmActivationBackward(Matrix deltaAbove, Matrix w, Activation f, Matrix s, Matrix x, Matrix delta) {
        checkOpen();
        Shapes.gemm(this, false, false, deltaAbove, w, delta);
        Shapes.activationBackward(this, f, s, x, delta, delta);
        gemm(chooseGemm(false, false, delta.rows(), delta.cols(), deltaAbove.cols()), false, false, 1f, deltaAbove, w,
                0f, delta, new Epilogue(Epilogue.DERIVATIVE, mem(s), mem(x), KernelCodes.activation(f),
                        (float) f.alpha(), (float) f.beta(), (float) f.lambda()));
    }

    @Override
    public void weightGradients(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB) {
        checkOpen();
        Shapes.gemm(this, true, false, delta, x, gradW);
        Shapes.sumRows(this, delta, gradB);
        if (gradW.cols() == 0) {
            // No product to launch, but the bias gradient still has its rows to sum.
            UnfusedSequences.weightGradients(this, delta, x, beta, gradW, gradB);
            return;
        }
        gemm(chooseGemm(true, false, gradW.rows(), gradW.cols(), delta.rows()), true, false, 1f, delta, x, beta, gradW,
                new Epilogue(Epilogue.BIAS_GRADIENT, mem(gradB)));
    }

    /**
     * A layer's δᵀ·X (with the bias gradient) and δ·W (with f'(S) below) in one launch of the pair kernel
     * of gemm_direct.cl, gemm.cl or gemm_general.cl, its work-groups split between the two, where both
     * products run on that kernel in one launch each, or δ·W's tiles would save nothing (see {@link #pairs});
     * else the two fused operations apart.
     */
    @Override
    public void layerBackward(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w, Activation f,
                              Matrix s, Matrix xBelow, Matrix deltaBelow) {
        checkOpen();
        Shapes.gemm(this, true, false, delta, x, gradW);
        Shapes.sumRows(this, delta, gradB);
        Shapes.gemm(this, false, false, delta, w, deltaBelow);
        Shapes.activationBackward(this, f, s, xBelow, deltaBelow, deltaBelow);
        int rows = delta.rows(), n = delta.cols(), nIn = gradW.cols();
        if (!pairs(rows, n, nIn)) {
            weightGradients(delta, x, beta, gradW, gradB);
            gemmActivationBackward(delta, w, f, s, xBelow, deltaBelow);
            return;
        }
        Pair pair = new Pair(delta, x, beta, gradW, gradB, w, f, s, xBelow, deltaBelow);
        if (tuning.direct()) {
            directPair(pair);
        } else if (pairsOnTiles(rows, n, nIn)) {
            tiledPair(pair);
        } else {
            generalPair(pair);
        }
    }

    /** The operands of {@link #layerBackward}, which every pair kernel takes in the same order (common.cl's PAIR_PARAMS). */
    private record Pair(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w, Activation f,
                        Matrix s, Matrix xBelow, Matrix deltaBelow) {
        int rows() {
            return delta.rows();
        }

        int n() {
            return delta.cols();
        }

        int nIn() {
            return gradW.cols();
        }
    }

    /** The pair on gemm_direct.cl's kernel: both products' blocks, their work-group rows stacked. */
    private void directPair(Pair p) {
        int[] block1 = tuning.directBlock(true, false), block2 = tuning.directBlock(false, false);
        int groupRows = tuning.knob("MDIMCD"), groupCols = tuning.knob("NDIMCD");
        // Product 1, ∂W = δᵀ·X, is n × nIn over the batch; product 2, δ·W, is rows × nIn over n.
        long rows1 = roundUp(ceilDiv(p.n(), block1[0]), groupRows), rows2 = roundUp(ceilDiv(p.rows(), block2[0]), groupRows);
        long cols = Math.max(roundUp(ceilDiv(p.nIn(), block1[1]), groupCols),
                roundUp(ceilDiv(p.nIn(), block2[1]), groupCols));
        if (directPair == null) {
            SortedMap<String, Integer> defines = tuning.directDefines(false, false);
            defines.put("PAIR", 1);
            directPair = programs.kernel(device.id(), "gemm_direct.cl", KernelSource.load("gemm_direct.cl"), defines,
                    "gemm_direct_pair");
        }
        launchPair(directPair, (int) (rows1 / groupRows), p, new long[] {cols, rows1 + rows2},
                new long[] {groupCols, groupRows});
    }

    /** The pair on gemm.cl's kernel: both products' tiles, MWG × NWG, stacked along dimension 1. */
    private void tiledPair(Pair p) {
        int mwg = tuning.knob("MWG"), nwg = tuning.knob("NWG"), mdimc = tuning.knob("MDIMC"), ndimc = tuning.knob("NDIMC");
        int groups1 = ceilDiv(p.n(), mwg), groups2 = ceilDiv(p.rows(), mwg);
        if (tiledPair == null) {
            SortedMap<String, Integer> defines = tuning.tiledDefines(false, false, false);
            defines.put("PAIR", 1);
            tiledPair = programs.kernel(device.id(), "gemm.cl", KernelSource.load("gemm.cl"), defines, "gemm_pair");
        }
        launchPair(tiledPair, groups1, p, new long[] {(long) ceilDiv(p.nIn(), nwg) * ndimc,
                (long) (groups1 + groups2) * mdimc}, new long[] {ndimc, mdimc});
    }

    /** The pair on gemm_general.cl's kernel: one work-item per element of either product, their rows stacked. */
    private void generalPair(Pair p) {
        int groups1 = ceilDiv(p.n(), generalTile), groups2 = ceilDiv(p.rows(), generalTile);
        if (generalPair == null) {
            SortedMap<String, Integer> defines = ProgramCache.defines("TSN", generalTile, "TSM", generalTile);
            defines.put("PAIR", 1);
            generalPair = programs.kernel(device.id(), "gemm_general.cl", KernelSource.load("gemm_general.cl"), defines,
                    "gemm_general_pair");
        }
        launchPair(generalPair, groups1, p, new long[] {roundUp(p.nIn(), generalTile),
                (long) (groups1 + groups2) * generalTile}, new long[] {generalTile, generalTile});
    }

    /**
     * Launches a pair kernel over {@code global} in work-groups of {@code local}: the work-group rows below
     * {@code groups1} compute δᵀ·X (+ bias gradient), the rest δ·W ⊙ f'(S).
     */
    private void launchPair(cl_kernel kernel, int groups1, Pair p, long[] global, long[] local) {
        args(kernel, groups1, p.n(), p.nIn(), p.rows(), p.beta(), mem(p.delta()), mem(p.x()), mem(p.gradW()),
                mem(p.gradB()), p.rows(), p.nIn(), p.n(), mem(p.delta()), mem(p.w()), mem(p.deltaBelow()), mem(p.s()),
                mem(p.xBelow()), KernelCodes.activation(p.f()), (float) p.f().alpha(), (float) p.f().beta(),
                (float) p.f().lambda());
        launch(kernel, "layerBackward", global, local);
    }

    /**
     * Whether a layer's two backward products (δᵀ·X: n × nIn over the batch's rows; δ·W: rows × nIn over n)
     * go in one launch: both on the direct kernel, each in one launch of it (no slice of K, no split); both
     * on the tiled kernel with the tuning's own tiles (no edges, not the large-product tiles), unsplit; or,
     * with the tiled tuning, both on the general kernel ({@link #pairsOnGeneral}).
     */
    boolean pairs(int rows, int n, int nIn) {
        if (rows <= 0 || n <= 0 || nIn <= 0) {
            return false;
        }
        return tuning.direct()
                ? singleDirectLaunch(true, false, n, nIn, rows) && singleDirectLaunch(false, false, rows, nIn, n)
                : pairsOnTiles(rows, n, nIn) || pairsOnGeneral(rows, n, nIn);
    }

    private boolean pairsOnTiles(int rows, int n, int nIn) {
        return singleTiledLaunch(true, false, n, nIn, rows) && singleTiledLaunch(false, false, rows, nIn, n);
    }

    /**
     * With the tiled tuning, the pair on the general kernel: where δᵀ·X takes the general kernel unsplit and
     * δ·W takes it too, or takes the tiled kernel with edges over a K (the layer's units) of at most one
     * slice, KWG: there a tile holds no more than one slice of K and saves nothing over the general kernel's
     * reads, and the general kernel sums each element in the tiled kernel's order, so δ·W keeps its bits.
     * A narrow output layer's backward products are such a pair (the default network's 10 units).
     */
    private boolean pairsOnGeneral(int rows, int n, int nIn) {
        GemmKernel gradient = chooseGemm(true, false, n, nIn, rows);
        GemmKernel back = chooseGemm(false, false, rows, nIn, n);
        return gradient == GemmKernel.GENERAL && splitSlice(gradient, true, false, n, nIn, rows) == 0
                && (back == GemmKernel.GENERAL || back == GemmKernel.TILED_EDGES && n <= tuning.knob("KWG"));
    }

    /** On the tiled kernel with the tuning's tiles, exactly (no edges, no large tiles), and not split. */
    private boolean singleTiledLaunch(boolean transA, boolean transB, int m, int n, int k) {
        GemmKernel kernel = chooseGemm(transA, transB, m, n, k);
        return kernel == GemmKernel.TILED && splitSlice(kernel, transA, transB, m, n, k) == 0;
    }

    private boolean singleDirectLaunch(boolean transA, boolean transB, int m, int n, int k) {
        GemmKernel kernel = chooseGemm(transA, transB, m, n, k);
        return kernel == GemmKernel.DIRECT && splitSlice(kernel, transA, transB, m, n, k) == 0
                && k <= directSlice(transA, transB, k);
    }

    /** The launches of {@link #layerBackward} for a layer of n units over nIn inputs and a batch of rows. */
    int layerBackwardLaunches(int rows, int n, int nIn) {
        return pairs(rows, n, nIn) ? 1 : gemmLaunches(true, false, n, nIn, rows) + gemmLaunches(false, false, rows, nIn, n);
    }

    /** output_step.cl: the output δ, the loss total and the count in one work-group, the bits of the three apart. */
    @Override
    public void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                           Matrix rowLoss, Matrix lossSum, Matrix correct) {
        checkOpen();
        checkOutputStep(loss, f, s, y, t, delta, rowLoss, lossSum, correct);
        outputStep(loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct, false);
    }

    /**
     * A narrow output layer's step in one launch of output_layer.cl ({@link #fusesOutputLayer}): each
     * work-item computes its row's product in the order of the GEMM kernel the shape would take, the bias,
     * Y (a softmax computed from the stored S), δ and the row's loss, and the last to finish adds up the
     * total and the count; the bits of the product, the activation and the output step apart. Elsewhere two
     * launches: a softmax output layer's product with the bias in the stores (S alone, no activation), then
     * output_step computing Y = softmax(S) itself before δ, the loss and the count; an element-wise output
     * as its fused forward step and output step.
     */
    @Override
    public void outputLayerStep(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale, Matrix s,
                                Matrix y, Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        checkOpen();
        Shapes.gemm(this, false, true, x, w, s);
        Shapes.biasActivation(this, bias, s, y);
        checkOutputStep(loss, f, s, y, t, delta, rowLoss, lossSum, correct);
        if (fusesOutputLayer(s.rows(), s.cols(), x.cols())) {
            outputLayer(x, w, bias, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
            return;
        }
        if (f.isElementwise()) {
            gemmBiasActivation(x, w, bias, f, s, y);
            outputStep(loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct, false);
            return;
        }
        // S = X·Wᵀ + b with the identity "activation" written over S itself: the same value stored twice.
        gemm(chooseGemm(false, true, s.rows(), s.cols(), x.cols()), false, true, 1f, x, w, 0f, s,
                new Epilogue(Epilogue.BIAS_ACTIVATION, mem(bias), mem(s), KernelCodes.activation(Activation.IDENTITY),
                        1f, 1f, 0f, 0f));
        outputStep(loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct, true);
    }

    /**
     * Whether {@link #outputLayerStep} is one launch for an output layer of n units over nIn inputs and a
     * batch of rows: where the layer is at most {@value #FUSED_OUTPUT_COLUMNS} wide and its product would
     * take the direct or the general kernel, whose order of summation output_layer.cl reproduces (the
     * tiled kernel's tiles are not reproduced: there the product and the output step stay two launches).
     */
    boolean fusesOutputLayer(int rows, int n, int nIn) {
        if (rows <= 0 || n <= 0 || n > FUSED_OUTPUT_COLUMNS) {
            return false;
        }
        GemmKernel kernel = chooseGemm(false, true, rows, n, nIn);
        return kernel == GemmKernel.DIRECT || kernel == GemmKernel.GENERAL;
    }

    /** The launches of {@link #outputLayerStep} for an output layer of n units over nIn inputs and a batch of rows. */
    int outputLayerLaunches(int rows, int n, int nIn) {
        if (rows <= 0) {
            return 0;
        }
        return fusesOutputLayer(rows, n, nIn) ? 1 : gemmLaunches(false, true, rows, n, nIn) + 1;
    }

    /** output_layer.cl over the batch, one work-item per row, the product summed as its own kernel would. */
    private void outputLayer(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale, Matrix s, Matrix y,
                             Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        int rows = s.rows(), cols = s.cols(), k = x.cols();
        boolean dot = chooseGemm(false, true, rows, cols, k) == GemmKernel.DIRECT;
        int which = dot ? 1 : 0;
        if (outputLayer[which] == null) {
            SortedMap<String, Integer> defines = ProgramCache.defines("WGS", rowGroup, "RL", sumLanes, "DOT", which);
            if (dot) {
                for (String knob : new String[] {"VWD", "MDOT", "NDOT"}) {
                    defines.put(knob, tuning.knob(knob));
                }
            }
            outputLayer[which] = kernel("output_layer", defines);
        }
        boolean softmax = !f.isElementwise();
        Activation stored = softmax ? Activation.IDENTITY : f;
        boolean squared = loss == Loss.HALF_SUM_OF_SQUARES || loss == Loss.SUM_OF_SQUARES;
        Activation derivative = squared ? f : Activation.IDENTITY;
        // An absent total or count is not computed; the row losses' buffer stands in for its argument.
        args(outputLayer[which], rows, cols, k, mem(x), mem(w), mem(bias), mem(s), mem(y), mem(t), mem(delta), mem(rowLoss),
                KernelCodes.activation(stored), (float) stored.alpha(), (float) stored.beta(), (float) stored.gamma(),
                (float) stored.lambda(), softmax ? 1 : 0, KernelCodes.loss(loss), scale, KernelCodes.activation(derivative),
                (float) derivative.alpha(), (float) derivative.beta(), (float) derivative.lambda(),
                lossSum == null ? 0 : 1, mem(lossSum == null ? rowLoss : lossSum), correct == null ? 0 : 1,
                mem(correct == null ? rowLoss : correct), tally);
        launch(outputLayer[which], "outputLayerStep(" + loss + (softmax ? ", softmax" : "") + ")", rows, rowGroup);
    }

    private void checkOutputStep(Loss loss, Activation f, Matrix s, Matrix y, Matrix t, Matrix delta, Matrix rowLoss,
                                 Matrix lossSum, Matrix correct) {
        Shapes.outputDelta(this, loss, f, s, y, t, delta, rowLoss);
        if (lossSum != null) {
            Shapes.sumRows(this, rowLoss, lossSum);
        }
        if (correct != null) {
            Shapes.countCorrect(this, y, t, correct);
        }
    }

    /** The output step's launch; with {@code softmax}, Y = softmax(S) is computed first, S holding the product and bias. */
    private void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss, Matrix lossSum, Matrix correct, boolean softmax) {
        int rows = s.rows(), cols = s.cols();
        if (rows == 0) {
            return;
        }
        if (outputStep == null) {
            outputStep = kernel("output_step", ProgramCache.defines("WGS", elementGroup, "RL", sumLanes));
        }
        boolean squared = loss == Loss.HALF_SUM_OF_SQUARES || loss == Loss.SUM_OF_SQUARES;
        Activation derivative = squared ? f : Activation.IDENTITY;
        // An absent total or count is not computed; the row losses' buffer stands in for its argument.
        args(outputStep, rows, cols, KernelCodes.loss(loss), scale, KernelCodes.activation(derivative),
                (float) derivative.alpha(), (float) derivative.beta(), (float) derivative.lambda(), mem(s), mem(y),
                mem(t), mem(delta), mem(rowLoss), lossSum == null ? 0 : 1, mem(lossSum == null ? rowLoss : lossSum),
                correct == null || cols == 0 ? 0 : 1, mem(correct == null ? rowLoss : correct), softmax ? 1 : 0);
        launch(outputStep, "outputStep(" + loss + (softmax ? ", softmax" : "") + ")", new long[] {elementGroup},
                new long[] {elementGroup});
    }

    private static Object[] concat(Object[] first, Object[] second) {
        Object[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    // ---- layers -------------------------------------------------------------------------------

    @Override
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        checkOpen();
        Shapes.biasActivation(this, bias, s, x);
        int rows = s.rows(), cols = s.cols();
        if (rows * cols == 0) {
            return;
        }
        if (!f.isElementwise()) {
            if (biasSoftmax == null) {
                biasSoftmax = kernel("bias_softmax", ProgramCache.defines("WGS", rowGroup));
            }
            args(biasSoftmax, rows, cols, mem(bias), mem(s), mem(x));
            launch(biasSoftmax, "biasActivation(softmax)", rows, rowGroup);
            return;
        }
        if (biasActivation == null) {
            biasActivation = kernel("bias_activation", ProgramCache.defines("WGS", elementGroup));
        }
        args(biasActivation, rows, cols, KernelCodes.activation(f), (float) f.alpha(), (float) f.beta(), (float) f.gamma(),
                (float) f.lambda(), mem(bias), mem(s), mem(x));
        launch(biasActivation, "biasActivation(" + f + ")", rows * cols, elementGroup);
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        checkOpen();
        Shapes.activationBackward(this, f, s, x, g, delta);
        int size = s.size();
        if (size == 0) {
            return;
        }
        if (activationBackward == null) {
            activationBackward = kernel("activation_backward", ProgramCache.defines("WGS", elementGroup));
        }
        args(activationBackward, size, KernelCodes.activation(f), (float) f.alpha(), (float) f.beta(), (float) f.lambda(),
                mem(s), mem(x), mem(g), mem(delta));
        launch(activationBackward, "activationBackward(" + f + ")", size, elementGroup);
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss) {
        checkOpen();
        Shapes.outputDelta(this, loss, f, s, y, t, delta, rowLoss);
        int rows = s.rows(), cols = s.cols();
        if (rows == 0) {
            return;
        }
        if (outputDelta == null) {
            outputDelta = kernel("output_delta", ProgramCache.defines("WGS", rowGroup));
        }
        // The squared errors' f'(S) is applied in the same launch; softmax never reaches it (Shapes refuses the pair).
        boolean squared = loss == Loss.HALF_SUM_OF_SQUARES || loss == Loss.SUM_OF_SQUARES;
        Activation derivative = squared ? f : Activation.IDENTITY;
        args(outputDelta, rows, cols, KernelCodes.loss(loss), scale, KernelCodes.activation(derivative),
                (float) derivative.alpha(), (float) derivative.beta(), (float) derivative.lambda(), mem(s), mem(y),
                mem(t), mem(delta), mem(rowLoss));
        launch(outputDelta, "outputDelta(" + loss + ")", rows, rowGroup);
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        checkOpen();
        Shapes.sumRows(this, a, out);
        int rows = a.rows(), cols = a.cols();
        if (cols == 0) {
            return;
        }
        if (sumRows == null) {
            sumRows = kernel("sum_rows", ProgramCache.defines("CW", sumColumns, "RL", sumLanes));
        }
        args(sumRows, rows, cols, beta, mem(a), mem(out));
        launch(sumRows, "sumRows", new long[] {roundUp(cols, sumColumns), sumLanes},
                new long[] {sumColumns, sumLanes});
    }

    @Override
    public void countCorrect(Matrix y, Matrix t, Matrix count) {
        checkOpen();
        Shapes.countCorrect(this, y, t, count);
        if (y.rows() == 0 || y.cols() == 0) {
            return;
        }
        if (countCorrect == null) {
            countCorrect = kernel("count_correct", ProgramCache.defines("WGS", elementGroup));
        }
        args(countCorrect, y.rows(), y.cols(), mem(y), mem(t), mem(count));
        launch(countCorrect, "countCorrect", new long[] {elementGroup}, new long[] {elementGroup});
    }

    // ---- updates ------------------------------------------------------------------------------
    // Alike on purpose: the checks, the kernel made on first use and kept in its own field (so that
    // an operation costs argument settings and one enqueue, no lookup), one launch per element.

    @Override
    public void axpy(float alpha, Matrix x, Matrix y) {
        checkOpen();
        Shapes.elementwise(this, "axpy", x, y);
        if (axpy == null) {
            axpy = kernel("axpy", ProgramCache.defines("WGS", elementGroup));
        }
        elementwise(axpy, "axpy", x.size(), alpha, mem(x), mem(y));
    }

    /** Key, threshold and scale come from DropoutMask on the host, as on the CPU backends: the kernel only hashes. */
    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        checkOpen();
        Shapes.dropout(this, rate, x, y);
        if (dropout == null) {
            dropout = kernel("dropout", ProgramCache.defines("WGS", elementGroup));
        }
        elementwise(dropout, "dropout", x.size(), DropoutMask.key(seed), DropoutMask.threshold(rate),
                DropoutMask.scale(rate), mem(x), mem(y));
    }

    @Override
    public void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        checkOpen();
        Shapes.elementwise(this, "sgdUpdate", grad, param);
        if (sgdUpdate == null) {
            sgdUpdate = kernel("sgd_update", ProgramCache.defines("WGS", elementGroup));
        }
        elementwise(sgdUpdate, "sgdUpdate", grad.size(), learningRate, mem(grad), mem(param));
    }

    @Override
    public void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        checkOpen();
        Shapes.elementwise(this, "momentumUpdate", grad, velocity, param);
        if (momentumUpdate == null) {
            momentumUpdate = kernel("momentum_update", ProgramCache.defines("WGS", elementGroup));
        }
        elementwise(momentumUpdate, "momentumUpdate", grad.size(), learningRate, momentum, mem(grad), mem(velocity),
                mem(param));
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        checkOpen();
        Shapes.elementwise(this, "adamUpdate", grad, m, v, param);
        if (adamUpdate == null) {
            adamUpdate = kernel("adam_update", ProgramCache.defines("WGS", elementGroup));
        }
        elementwise(adamUpdate, "adamUpdate", grad.size(), learningRate, beta1, beta2, epsilon, correction1,
                correction2, mem(grad), mem(m), mem(v), mem(param));
    }

    /** Sets (size, rest...) as the arguments and launches one work-item per element. */
    private void elementwise(cl_kernel kernel, String op, int size, Object... rest) {
        if (size == 0) {
            return;
        }
        Object[] all = new Object[rest.length + 1];
        all[0] = size;
        System.arraycopy(rest, 0, all, 1, rest.length);
        args(kernel, all);
        launch(kernel, op, size, elementGroup);
    }

    // ---- queue --------------------------------------------------------------------------------

    @Override
    public void synchronize() {
        checkOpen();
        try {
            CL.clFinish(queue);
        } catch (CLException e) {
            throw failure("synchronize", 0, e);
        }
    }

    /**
     * Waits for queued work, then releases every buffer still held, every kernel and program and
     * the queue; the device's context is shared and kept ({@link DeviceContexts}). A second call does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Releases releases = new Releases();
        releases.attempt(() -> CL.clFinish(queue));
        releases.attempt(uploads::finish);
        if (timeline != null) {
            releases.attempt(timeline::write);
        }
        if (gatherIndices != null) {
            releases.attempt(() -> CL.clReleaseMemObject(gatherIndices));
        }
        for (DeviceMatrix.Buffer buffer : live) {
            cl_mem mem = buffer.take();
            releases.attempt(() -> CL.clReleaseMemObject(mem));
        }
        live.clear();
        liveBytes = 0;
        releases.attempt(() -> CL.clReleaseMemObject(scratch));
        releases.attempt(() -> CL.clReleaseMemObject(tally));
        releases.attempt(programs::close);
        releases.attempt(() -> CL.clReleaseCommandQueue(queue));  // the context is kept: see DeviceContexts
        RuntimeException failure = releases.failure();
        if (failure != null) {
            throw new OpenClException("closing the OpenCL backend: " + failure.getMessage(), failure);
        }
    }

    private void checkOpen() {
        Shapes.notClosed(this, closed);
    }

    private cl_kernel kernel(String name, SortedMap<String, Integer> defines) {
        return programs.kernel(device.id(), name + ".cl", KernelSource.load(name + ".cl"), defines, name);
    }

    private static cl_mem mem(Matrix m) {
        return ((DeviceMatrix) m).mem();
    }

    /** Sets a kernel's arguments in order: Integer, Float or cl_mem. */
    private static void args(cl_kernel kernel, Object... values) {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Integer n) {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {n}));
            } else if (v instanceof Float x) {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {x}));
            } else {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to((cl_mem) v));
            }
        }
    }

    private void launch(cl_kernel kernel, String op, int items, int group) {
        launch(kernel, op, new long[] {roundUp(items, group)}, new long[] {group});
    }

    private void launch(cl_kernel kernel, String op, long[] global, long[] local) {
        try {
            cl_event event = timeline != null && timeline.records() ? new cl_event() : null;
            CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, event);
            launches++;
            if (event != null) {
                timeline.add(op, "kernel", event);
            }
        } catch (CLException e) {
            throw failure(op, 0, e);
        }
    }

    private static int roundUp(int value, int multiple) {
        return ceilDiv(value, multiple) * multiple;
    }

    private static int ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    /** A driver error, turned into a message that says what to do where the status says memory ran out. */
    private OpenClException failure(String op, long bytes, CLException e) {
        int status = e.getStatus();
        if (status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL.CL_OUT_OF_RESOURCES
                || status == CL.CL_OUT_OF_HOST_MEMORY) {
            return outOfMemory(op, bytes, CL.stringFor_errorCode(status));
        }
        return new OpenClException(op + " failed on OpenCL device " + device.shortName() + ": "
                + CL.stringFor_errorCode(status), e);
    }

    private OpenClException outOfMemory(String op, long bytes, String why) {
        return new OpenClException(String.format(Locale.ROOT,
                "%s: out of device memory (%s)%s; %s held in %d matrices, device %s has %s of global memory "
                        + "and allows %s per buffer: %s",
                op, why, bytes > 0 ? " asking for " + OpenClDevices.bytes(bytes) : "", OpenClDevices.bytes(liveBytes),
                live.size(), device.name(), OpenClDevices.bytes(device.globalMemory()),
                OpenClDevices.bytes(device.maxAllocation()), OUT_OF_MEMORY_FIX));
    }
}
