package org.deltaprop.data.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.deltaprop.data.BadDataException;
import org.deltaprop.data.FuzzFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes as a pair of {@code .npy} files, features and targets ({@link FuzzFiles#parts}: the
 * part after the separator is y.npy): the header ({@link NpyHeader}), the mapped array
 * ({@link NpyArray}) and the pair ({@link StoreDataset}) either give a data set whose every row
 * can be gathered, or a {@link BadDataException}; never another exception, a hang or an
 * out-of-memory error. The committed inputs (NpyPairFuzzTestInputs) run in every build;
 * docs/FUZZING.md says how to fuzz.
 */
class NpyPairFuzzTest {

    @FuzzTest
    void readsPairOrRejectsIt(byte[] input) throws IOException {
        List<byte[]> parts = FuzzFiles.parts(input, 2);
        Path x = FuzzFiles.write("x.npy", parts.get(0));
        Path y = FuzzFiles.write("y.npy", parts.size() > 1 ? parts.get(1) : new byte[0]);
        try {
            StoreFuzzing.gatherAll(StoreDataset.open(x, y, 0));
        } catch (BadDataException expected) {
            // a clean error
        }
        try {
            StoreFuzzing.gatherAll(StoreDataset.openFeatures(x));
        } catch (BadDataException expected) {
            // a clean error
        }
    }
}
