package org.deltaprop.data;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a CSV file (gzipped or not), read with options drawn from the input as the
 * command line would give them: a data set or a {@link BadDataException}; never another
 * exception, a hang or an out-of-memory error. The scanner ({@link CsvScanner}) is exercised
 * through the reader. The committed inputs (CsvReaderFuzzTestInputs) run in every build;
 * docs/FUZZING.md says how to fuzz.
 */
class CsvReaderFuzzTest {

    private static final String[] LABEL_COLUMNS = {null, "1", "2", "label", "class", "0", "x"};

    @FuzzTest
    void readsCsvOrRejectsIt(FuzzedDataProvider data) throws IOException {
        CsvReader.Options options = new CsvReader.Options(data.pickValue(CsvReader.Header.values()),
                data.pickValue(Delimiter.values()), data.pickValue(LABEL_COLUMNS), data.consumeInt(0, 3),
                data.consumeInt(0, 1), data.consumeInt(0, 4), List.of(), List.of(), data.consumeBoolean());
        Path file = FuzzFiles.write("input.csv", data.consumeRemainingAsBytes());
        ArrayDataset dataset;
        try {
            dataset = CsvReader.read(file, options);
        } catch (BadDataException expected) {
            return;
        }
        assertTrue(dataset.size() >= 1 && dataset.features() >= 1, "a data set has rows and features");
        int rows = dataset.size();
        int width = dataset.targetWidth();
        float[] x = new float[rows * dataset.features()];
        float[] t = new float[rows * width];
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        dataset.gather(order, 0, rows, x, t);
        for (float v : x) {
            assertTrue(Float.isFinite(v), "features are finite");
        }
        if (dataset.classes() > 0) {
            assertEquals(dataset.classes(), width);
            for (int i = 0; i < rows; i++) {
                assertTrue(dataset.label(i) >= 0 && dataset.label(i) < dataset.classes());
            }
        }
    }
}
