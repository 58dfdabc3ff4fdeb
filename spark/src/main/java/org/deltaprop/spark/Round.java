package org.deltaprop.spark;

import java.io.Serializable;

/**
 * One synchronous round, as the driver hands it to the tasks.
 *
 * @param number      rounds since the start of the run (the task hook hears it)
 * @param epoch       1-based; with the seed it fixes the sample order
 * @param index       the round's place within its epoch: the global batch (gradient averaging) or
 *                    the block of local steps (local SGD)
 * @param stepsBefore the optimizer updates applied before this round (Adam's t, the schedule's place)
 */
record Round(long number, int epoch, int index, long stepsBefore) implements Serializable {
}
