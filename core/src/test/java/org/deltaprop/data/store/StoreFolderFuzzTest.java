package org.deltaprop.data.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.deltaprop.data.BadDataException;
import org.deltaprop.data.FuzzFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes as a store folder ({@link FuzzFiles#parts}: store.json, then the two shards' x and y
 * files as {@link StoreWriter} names them): the manifest ({@link StoreManifest}) and its shards either give a data set whose every
 * row can be gathered, or a {@link BadDataException}; never another exception, a hang or an
 * out-of-memory error. The committed inputs (StoreFolderFuzzTestInputs) run in every build;
 * docs/FUZZING.md says how to fuzz.
 */
class StoreFolderFuzzTest {

    private static final String[] FILES = {StoreManifest.FILE, "x-00000.npy", "y-00000.npy", "x-00001.npy", "y-00001.npy"};

    @FuzzTest
    void readsStoreOrRejectsIt(byte[] input) throws IOException {
        Path dir = FuzzFiles.folder("store");
        List<byte[]> parts = FuzzFiles.parts(input, FILES.length);
        for (int i = 0; i < parts.size(); i++) {
            FuzzFiles.write("store/" + FILES[i], parts.get(i));
        }
        try {
            StoreFuzzing.gatherAll(StoreDataset.open(dir, null, 0));
        } catch (BadDataException expected) {
            // a clean error
        }
        try {
            StoreFuzzing.gatherAll(StoreDataset.openFeatures(dir));
        } catch (BadDataException expected) {
            // a clean error
        }
    }
}
