package org.deltaprop.backend.opencl;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The tuning knobs of {@code kernels/gemm.cl} (see the file for what each one does), with
 * defaults per kind of device. The system property {@value #PROPERTY} overrides any of them,
 * e.g. {@code -Ddeltaprop.opencl.gemm=MWG=128,NWG=128,MDIMC=16,NDIMC=16}, to tune on a new
 * device without rebuilding. The host compiles the kernel with these numbers as defines and
 * launches it with the same numbers, so they are stated once, here.
 *
 * @param mwg   rows of C per work-group
 * @param nwg   columns of C per work-group
 * @param kwg   depth of the K slice staged in local memory
 * @param mdimc work-items per work-group along M
 * @param ndimc work-items per work-group along N
 * @param vwn   vector width along N (local reads of B, stores of C)
 * @param vwl   vector width of the global loads that fill the tiles
 * @param pada  padding of the local A tile's rows, in floats
 */
record GemmTuning(int mwg, int nwg, int kwg, int mdimc, int ndimc, int vwn, int vwl, int pada) {

    static final String PROPERTY = "deltaprop.opencl.gemm";

    /**
     * GPUs: 64×64 tiles of C per work-group of 16×16 work-items, 4×4 of C each in registers,
     * float4 reads of B from local memory. A 64×64 tile keeps a big GPU busy at the sizes an
     * MLP's products have (1024² already makes 256 work-groups), and 256 work-items hide memory latency.
     */
    static final GemmTuning GPU = new GemmTuning(64, 64, 16, 16, 16, 4, 4, 1);

    /**
     * CPUs (PoCL): a work-group runs on one core as a loop over its work-items, so each work-item
     * gets a block of C as big as the vector registers allow (4 rows × 16 columns, two 8-wide
     * vectors per row) and the K slice is deep, so the tiles stay in the L1/L2 caches and the
     * per-region overhead of PoCL's work-item loops is paid rarely.
     */
    static final GemmTuning CPU = new GemmTuning(64, 64, 64, 16, 4, 8, 4, 0);

    GemmTuning {
        String knobs = text(mwg, nwg, kwg, mdimc, ndimc, vwn, vwl, pada);
        if (mwg < 1 || nwg < 1 || kwg < 1 || mdimc < 1 || ndimc < 1 || pada < 0) {
            throw new IllegalArgumentException("GEMM tuning " + knobs + ": the knobs must be positive (PADA ≥ 0)");
        }
        for (int width : new int[] {vwn, vwl}) {
            if (width != 1 && width != 2 && width != 4 && width != 8 && width != 16) {
                throw new IllegalArgumentException("GEMM tuning " + knobs + ": VWN and VWL must be 1, 2, 4, 8 or 16");
            }
        }
        if (mwg % mdimc != 0 || nwg % ndimc != 0 || (nwg / ndimc) % vwn != 0) {
            throw new IllegalArgumentException("GEMM tuning " + knobs
                    + ": MWG must be a multiple of MDIMC, NWG of NDIMC, and NWG / NDIMC of VWN");
        }
        if (mwg % vwl != 0 || nwg % vwl != 0 || kwg % vwl != 0) {
            throw new IllegalArgumentException("GEMM tuning " + knobs + ": MWG, NWG and KWG must be multiples of VWL");
        }
    }

    /** The defaults for the device's type, with the overrides of {@value #PROPERTY} applied. */
    static GemmTuning forDevice(OpenClDevices.Device device) {
        GemmTuning defaults = device.isGpu() ? GPU : CPU;
        return defaults.with(System.getProperty(PROPERTY, ""));
    }

    /** These knobs with some replaced: {@code "MWG=128,NWG=128"} (case-insensitive names). */
    GemmTuning with(String overrides) {
        Map<String, Integer> knobs = knobs();
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
                knobs.put(name, Integer.parseInt(nameValue[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + ": '" + item + "' needs an integer value", e);
            }
        }
        return new GemmTuning(knobs.get("MWG"), knobs.get("NWG"), knobs.get("KWG"), knobs.get("MDIMC"),
                knobs.get("NDIMC"), knobs.get("VWN"), knobs.get("VWL"), knobs.get("PADA"));
    }

    /** Throws unless a work-group of this shape and its local memory fit the device. */
    void checkFits(OpenClDevices.Device device) {
        if ((long) mdimc * ndimc > device.maxWorkGroupSize()) {
            throw new IllegalArgumentException("GEMM tuning " + this + " needs work-groups of " + mdimc * ndimc
                    + " work-items; " + device.name() + " allows " + device.maxWorkGroupSize()
                    + " (set smaller MDIMC, NDIMC with -D" + PROPERTY + ")");
        }
        if (localBytes() > device.localMemory()) {
            throw new IllegalArgumentException("GEMM tuning " + this + " needs " + localBytes()
                    + " bytes of local memory; " + device.name() + " has " + device.localMemory()
                    + " (set smaller MWG, NWG, KWG with -D" + PROPERTY + ")");
        }
    }

    long localBytes() {
        return 4L * kwg * (mwg + pada + nwg);
    }

    /** The defines of one variant of gemm.cl. */
    SortedMap<String, Integer> defines(boolean transA, boolean transB, boolean edges) {
        return ProgramCache.defines("TRANS_A", transA ? 1 : 0, "TRANS_B", transB ? 1 : 0, "EDGES", edges ? 1 : 0,
                "MWG", mwg, "NWG", nwg, "KWG", kwg, "MDIMC", mdimc, "NDIMC", ndimc, "VWN", vwn, "VWL", vwl,
                "PADA", pada);
    }

    private Map<String, Integer> knobs() {
        Map<String, Integer> knobs = new LinkedHashMap<>();
        knobs.put("MWG", mwg);
        knobs.put("NWG", nwg);
        knobs.put("KWG", kwg);
        knobs.put("MDIMC", mdimc);
        knobs.put("NDIMC", ndimc);
        knobs.put("VWN", vwn);
        knobs.put("VWL", vwl);
        knobs.put("PADA", pada);
        return knobs;
    }

    @Override
    public String toString() {
        return text(mwg, nwg, kwg, mdimc, ndimc, vwn, vwl, pada);
    }

    private static String text(int mwg, int nwg, int kwg, int mdimc, int ndimc, int vwn, int vwl, int pada) {
        return "MWG=" + mwg + ",NWG=" + nwg + ",KWG=" + kwg + ",MDIMC=" + mdimc + ",NDIMC=" + ndimc + ",VWN=" + vwn
                + ",VWL=" + vwl + ",PADA=" + pada;
    }
}
