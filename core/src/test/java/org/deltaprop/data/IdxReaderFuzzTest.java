package org.deltaprop.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes as an IDX file, gzipped or not: read as samples and as labels, each either a
 * result or a {@link BadDataException}; never another exception, a hang or an out-of-memory
 * error, whatever sizes the header claims. The committed inputs (IdxReaderFuzzTestInputs) run
 * in every build; docs/FUZZING.md says how to fuzz.
 */
class IdxReaderFuzzTest {

    @FuzzTest
    void readsIdxOrRejectsIt(byte[] input) throws IOException {
        Path file = FuzzFiles.write("input-idx3-ubyte", input);
        try {
            IdxReader.Rows rows = IdxReader.readRows(file);
            assertEquals((long) rows.rows() * rows.features(), rows.values().length);
        } catch (BadDataException expected) {
            // a clean error
        }
        try {
            int[] labels = IdxReader.readLabels(file);
            for (int label : labels) {
                assertEquals(label & 0xFF, label, "a label is one unsigned byte");
            }
        } catch (BadDataException expected) {
            // a clean error
        }
    }
}
