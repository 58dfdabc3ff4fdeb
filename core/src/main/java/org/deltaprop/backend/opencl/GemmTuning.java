package org.deltaprop.backend.opencl;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The tuning knobs of the two fast GEMM kernels, named as their macros are (see each file for
 * what a knob does), and which of the two the backend uses:
 * <ul>
 *   <li>{@code DIRECT=0}: {@code kernels/gemm.cl}, tiles of A and B staged in local memory
 *       (MWG, NWG, KWG, MDIMC, NDIMC, VWN, VWL, PADA); the GPU default.</li>
 *   <li>{@code DIRECT=1}: {@code kernels/gemm_direct.cl}, register blocks fed straight from
 *       cached global memory (VWD, MWID, NWID, MDOT, NDOT, MDIMCD, NDIMCD), and KCD, the slice
 *       of K per launch of its outer-product form (0: all of K in one launch); the CPU default.</li>
 * </ul>
 * The system property {@value #PROPERTY} overrides any of them, e.g.
 * {@code -Ddeltaprop.opencl.gemm=MWG=128,NWG=128,MDIMC=16,NDIMC=16}, to tune on a new device
 * without rebuilding. The host compiles a kernel with these numbers as defines and launches it
 * with the same numbers, so they are stated once, here.
 */
record GemmTuning(SortedMap<String, Integer> knobs) {

    static final String PROPERTY = "deltaprop.opencl.gemm";

    private static final List<String> TILED_KNOBS = List.of("MWG", "NWG", "KWG", "MDIMC", "NDIMC", "VWN", "VWL", "PADA");
    private static final List<String> DIRECT_KNOBS = List.of("VWD", "MWID", "NWID", "MDOT", "NDOT", "MDIMCD", "NDIMCD", "KCD");
    private static final List<String> ALL_KNOBS =
            Stream.of(List.of("DIRECT"), TILED_KNOBS, DIRECT_KNOBS).flatMap(List::stream).toList();

    GemmTuning {
        knobs = Collections.unmodifiableSortedMap(new TreeMap<>(knobs));
        String text = knobs.toString();
        for (String name : ALL_KNOBS) {
            if (!knobs.containsKey(name)) {
                throw new IllegalArgumentException("GEMM tuning " + text + " lacks " + name);
            }
        }
        for (var knob : knobs.entrySet()) {
            if (!ALL_KNOBS.contains(knob.getKey())) {
                throw new IllegalArgumentException("GEMM tuning: unknown knob " + knob.getKey() + "; the knobs are "
                        + ALL_KNOBS);
            }
            if (knob.getValue() < (List.of("PADA", "DIRECT", "KCD").contains(knob.getKey()) ? 0 : 1)) {
                throw new IllegalArgumentException("GEMM tuning " + text + ": " + knob.getKey() + " is too small");
            }
        }
        int mwg = knobs.get("MWG"), nwg = knobs.get("NWG"), kwg = knobs.get("KWG");
        int mdimc = knobs.get("MDIMC"), ndimc = knobs.get("NDIMC"), vwn = knobs.get("VWN"), vwl = knobs.get("VWL");
        if (mwg % mdimc != 0 || nwg % ndimc != 0 || (nwg / ndimc) % vwn != 0) {
            throw new IllegalArgumentException("GEMM tuning " + text
                    + ": MWG must be a multiple of MDIMC, NWG of NDIMC, and NWG / NDIMC of VWN");
        }
        if (mwg % vwl != 0 || nwg % vwl != 0 || kwg % vwl != 0) {
            throw new IllegalArgumentException("GEMM tuning " + text + ": MWG, NWG and KWG must be multiples of VWL");
        }
        if (knobs.get("NWID") % knobs.get("VWD") != 0) {
            throw new IllegalArgumentException("GEMM tuning " + text + ": NWID must be a multiple of VWD");
        }
        for (String width : List.of("VWN", "VWL", "VWD")) {
            int w = knobs.get(width);
            if (w != 1 && w != 2 && w != 4 && w != 8 && w != 16) {
                throw new IllegalArgumentException("GEMM tuning " + text + ": " + width + " must be 1, 2, 4, 8 or 16");
            }
        }
        if (knobs.get("VWD") == 1) {
            throw new IllegalArgumentException("GEMM tuning " + text + ": VWD must be a vector width, 2 to 16");
        }
    }

    /**
     * GPUs: gemm.cl with 64×64 tiles of C per work-group of 8×8 work-items, 8×8 of C each in
     * registers, float4 reads of B from local memory and float4 loads from global memory, A's
     * local tile padded by one float against bank conflicts. A 64×64 tile keeps a big GPU busy at
     * the sizes an MLP's products have (1024² already makes 256 work-groups).
     */
    static GemmTuning gpu() {
        return new GemmTuning(map("DIRECT", 0, "MWG", 64, "NWG", 64, "KWG", 16, "MDIMC", 8, "NDIMC", 8, "VWN", 4,
                "VWL", 4, "PADA", 1, "VWD", 4, "MWID", 4, "NWID", 8, "MDOT", 4, "NDOT", 2, "MDIMCD", 8, "NDIMCD", 8, "KCD", 0));
    }

    /**
     * GPUs, large products: gemm.cl with 128×128 tiles of C per work-group of 16×16 work-items
     * (8×8 of C each) and K slices of 32. Measured on an H100 at 4096³ (docs/BENCHMARKS.md): 34.7
     * TFLOP/s against 27.7 for {@link #gpu()}'s 64×64 tiles; but a 128×128 tile leaves most of a
     * big GPU idle on an MLP's products (1024×256 is 16 tiles), so the backend uses this only
     * where the product makes at least two tiles per compute unit.
     */
    static GemmTuning gpuLarge() {
        return gpu().with("MWG=128,NWG=128,KWG=32,MDIMC=16,NDIMC=16");
    }

    /**
     * CPUs (PoCL): gemm_direct.cl with the device's native float vector width, 4 rows × 2 vectors
     * of C per work-item (8 of AVX2's 16 vector registers hold the accumulators), 4 × 2 dot
     * products for the forward pass, and work-groups of 16 work-items stacked along M, which share
     * the rows of B they read through the cache. K is summed in slices of 256 by the outer-product
     * form: at 1024³ that took (true, false) from 28 to 63 GFLOP/s and (false, false) from 67 to
     * 76–83 on PoCL 3.1, while the dot form lost half its speed to slicing, so it never slices.
     * Work-groups wider than 1 along N measured 2× slower, and the tiled kernel (DIRECT=0) 3× slower;
     * its knobs here serve only when it is asked for.
     */
    static GemmTuning cpu(int nativeFloatWidth) {
        int vw = Math.max(2, Math.min(16, Integer.highestOneBit(Math.max(1, nativeFloatWidth))));
        return new GemmTuning(map("DIRECT", 1, "MWG", 64, "NWG", 64, "KWG", 32, "MDIMC", 8, "NDIMC", 8, "VWN", 8,
                "VWL", 4, "PADA", 0, "VWD", vw, "MWID", 4, "NWID", 2 * vw, "MDOT", 4, "NDOT", 2, "MDIMCD", 16,
                "NDIMCD", 1, "KCD", 256));
    }

    /** The defaults for the device's type, with the overrides of {@value #PROPERTY} applied. */
    static GemmTuning forDevice(OpenClDevices.Device device) {
        GemmTuning defaults = device.isGpu() ? gpu() : cpu(device.nativeFloatWidth());
        return defaults.with(System.getProperty(PROPERTY, ""));
    }

    /**
     * The large-product tuning beside {@link #forDevice}'s: {@link #gpuLarge()} on a GPU, none on a
     * CPU, and none when {@value #PROPERTY} is set, so that a user tuning sees only their knobs.
     */
    static GemmTuning largeForDevice(OpenClDevices.Device device) {
        return device.isGpu() && System.getProperty(PROPERTY, "").isBlank() ? gpuLarge() : null;
    }

    /** These knobs with some replaced: {@code "MWG=128,NWG=128"} (case-insensitive names). */
    GemmTuning with(String overrides) {
        SortedMap<String, Integer> changed = new TreeMap<>(knobs);
        for (String item : overrides.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] nameValue = item.split("=", 2);
            String name = nameValue[0].trim().toUpperCase(Locale.ROOT);
            if (nameValue.length != 2 || !knobs.containsKey(name)) {
                throw new IllegalArgumentException("-D" + PROPERTY + ": '" + item + "' is not KNOB=value with KNOB one of "
                        + knobs.keySet());
            }
            try {
                changed.put(name, Integer.parseInt(nameValue[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + ": '" + item + "' needs an integer value", e);
            }
        }
        return new GemmTuning(changed);
    }

    int knob(String name) {
        return knobs.get(name);
    }

    /** Whether gemm_direct.cl is the fast kernel (else gemm.cl). */
    boolean direct() {
        return knob("DIRECT") != 0;
    }

    /** Throws unless the work-groups and local memory of both kernels fit the device. */
    void checkFits(OpenClDevices.Device device) {
        long tiledGroup = (long) knob("MDIMC") * knob("NDIMC");
        long directGroup = (long) knob("MDIMCD") * knob("NDIMCD");
        if (Math.max(tiledGroup, directGroup) > device.maxWorkGroupSize()) {
            throw new IllegalArgumentException("GEMM tuning " + this + " needs work-groups of "
                    + Math.max(tiledGroup, directGroup) + " work-items; " + device.name() + " allows "
                    + device.maxWorkGroupSize() + " (set smaller MDIMC, NDIMC, MDIMCD, NDIMCD with -D" + PROPERTY + ")");
        }
        long localBytes = 4L * knob("KWG") * (knob("MWG") + knob("PADA") + knob("NWG"));
        if (localBytes > device.localMemory()) {
            throw new IllegalArgumentException("GEMM tuning " + this + " needs " + localBytes
                    + " bytes of local memory; " + device.name() + " has " + device.localMemory()
                    + " (set smaller MWG, NWG, KWG with -D" + PROPERTY + ")");
        }
    }

    /** The defines of gemm.cl for one transpose case, with or without edge handling. */
    SortedMap<String, Integer> tiledDefines(boolean transA, boolean transB, boolean edges) {
        SortedMap<String, Integer> defines = select(TILED_KNOBS);
        defines.putAll(map("TRANS_A", transA ? 1 : 0, "TRANS_B", transB ? 1 : 0, "EDGES", edges ? 1 : 0));
        return defines;
    }

    /** The defines of gemm_direct.cl for one transpose case. */
    SortedMap<String, Integer> directDefines(boolean transA, boolean transB) {
        SortedMap<String, Integer> defines = select(DIRECT_KNOBS);
        defines.putAll(map("TRANS_A", transA ? 1 : 0, "TRANS_B", transB ? 1 : 0));
        return defines;
    }

    /** gemm_direct.cl's block of C per work-item, {rows, columns}: the dot form's for (false, true). */
    int[] directBlock(boolean transA, boolean transB) {
        return transB && !transA ? new int[] {knob("MDOT"), knob("NDOT")} : new int[] {knob("MWID"), knob("NWID")};
    }

    private SortedMap<String, Integer> select(List<String> names) {
        SortedMap<String, Integer> selected = new TreeMap<>();
        for (String name : names) {
            selected.put(name, knobs.get(name));
        }
        return selected;
    }

    private static SortedMap<String, Integer> map(Object... nameValue) {
        return ProgramCache.defines(nameValue);
    }

    /** The knobs of the kernel in use, for one-line descriptions. */
    String summary() {
        SortedMap<String, Integer> used = select(direct() ? DIRECT_KNOBS : TILED_KNOBS);
        return (direct() ? "gemm_direct " : "gemm ") + used.toString().replace(" ", "").replace("{", "").replace("}", "");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        knobs.forEach((name, value) -> text.append(text.isEmpty() ? "" : ",").append(name).append('=').append(value));
        return text.toString();
    }
}
