package org.deltaprop.cli;

import org.deltaprop.train.SampleOrder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train --order: auto reads a store larger than memory in shuffled blocks, and shuffles fully otherwise. */
class SampleOrderOptionTest {

    @Test
    void autoShufflesFullyUnlessTheDataOutgrowsMemory() {
        assertEquals(SampleOrder.SHUFFLE, TrainCommand.sampleOrder("auto", 0, 1L << 30, 4096, 16));
        assertEquals(SampleOrder.SHUFFLE, TrainCommand.sampleOrder("auto", 1L << 29, 1L << 30, 4096, 16));
        assertEquals(SampleOrder.blocks(4096, 16), TrainCommand.sampleOrder("auto", 6L << 30, 1L << 30, 4096, 16));
        assertEquals(SampleOrder.blocks(100, 3), TrainCommand.sampleOrder("Blocks", 0, 1L << 30, 100, 3));
        assertEquals(SampleOrder.SHUFFLE, TrainCommand.sampleOrder("shuffle", 6L << 30, 1L << 30, 4096, 16));
        assertEquals(SampleOrder.SEQUENTIAL, TrainCommand.sampleOrder("sequential", 0, 1, 1, 1));
        Main.UserException e = assertThrows(Main.UserException.class,
                () -> TrainCommand.sampleOrder("random", 0, 1, 1, 1));
        assertTrue(e.getMessage().contains("auto, shuffle, blocks or sequential"), e.getMessage());
        assertThrows(Main.UserException.class, () -> TrainCommand.sampleOrder("blocks", 0, 1, 0, 1));
        assertEquals(42799, TrainCommand.defaultBlockRows(784), "32 MB of uint8 Fashion-MNIST rows");
        assertEquals(1024, TrainCommand.defaultBlockRows(1 << 20), "at least 1024 rows");
    }
}
