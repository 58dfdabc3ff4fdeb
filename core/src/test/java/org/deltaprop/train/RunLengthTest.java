package org.deltaprop.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLengthTest {

    @Test
    void fashionMnistKeepsItsBatchAndEpochs() {
        assertEquals(new RunLength(128, 10), RunLength.forRows(60_000));
        assertEquals(new RunLength(128, 10), RunLength.forRows(8_000_000), "large data: never fewer than 10 epochs");
    }

    @Test
    void smallDataGetsSmallerBatchesAndMoreEpochs() {
        RunLength iris = RunLength.forRows(120);
        assertEquals(new RunLength(16, 200), iris);
        assertEquals(1600, iris.updates(120));
        RunLength digits = RunLength.forRows(1438);
        assertEquals(89, digits.batch(), "a sixteenth of the rows");
        assertEquals(200, digits.epochs());
        assertEquals(new RunLength(16, 200), RunLength.forRows(5), "a batch larger than the data is the whole of it");
        assertEquals(200, RunLength.forRows(5).updates(5));
    }

    /** Every size gets at least 16 updates an epoch (or every row), and the updates UPDATES asks for when 200 epochs allow. */
    @Test
    void everySizeGetsEnoughUpdates() {
        for (int rows = 1; rows < 300_000; rows += 1 + rows / 7) {
            RunLength r = RunLength.forRows(rows);
            long perEpoch = r.updates(rows) / r.epochs();
            assertTrue(perEpoch >= Math.min(16, rows) || r.batch() == RunLength.MIN_BATCH, rows + " rows: " + r);
            assertTrue(r.updates(rows) >= Math.min(RunLength.UPDATES, (long) RunLength.MAX_EPOCHS * perEpoch),
                    rows + " rows: " + r);
            assertTrue(r.epochs() >= RunLength.MIN_EPOCHS && r.epochs() <= RunLength.MAX_EPOCHS, rows + " rows: " + r);
        }
    }
}
