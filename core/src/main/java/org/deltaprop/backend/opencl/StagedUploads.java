package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Host-to-device copies that do not wait for the device. A write from a Java array has to block
 * (the garbage collector may move the array, so JOCL refuses a non-blocking one), and on an
 * in-order queue a blocking write also waits for every kernel queued before it: the host would
 * stop at each batch until the device had finished the previous step. Instead the floats are
 * copied into one of a few off-heap staging buffers and written from there without blocking,
 * so the host queues the next step while the device runs this one.
 *
 * <p>A staging buffer is reused only after its previous write has finished (its event), so the
 * caller may refill its array as soon as {@link #write} returns. Large copies (weights at the
 * start of a run) are written blocking, straight from the array, rather than staged.
 */
final class StagedUploads {

    /** Uploads in flight at most: a batch's inputs and targets, plus one to spare. */
    private static final int SLOTS = 3;
    /** Bigger copies are not worth staging: they happen once, not per step. */
    static final long MAX_STAGED_BYTES = 64L << 20;

    private final ByteBuffer[] staging = new ByteBuffer[SLOTS];
    private final cl_event[] inFlight = new cl_event[SLOTS];
    private int next;

    /** Queues dst[0 .. count) ← src[offset .. offset + count). */
    void write(cl_command_queue queue, cl_mem dst, float[] src, int offset, int count) {
        write(queue, dst, src, offset, count, false);
    }

    /**
     * Queues dst[0 .. count) ← src[offset .. offset + count). With {@code event} the write's event is
     * returned, retained for the caller, who releases it; else null.
     */
    cl_event write(cl_command_queue queue, cl_mem dst, float[] src, int offset, int count, boolean event) {
        long bytes = (long) count * Sizeof.cl_float;
        if (bytes > MAX_STAGED_BYTES) {
            cl_event done = event ? new cl_event() : null;
            CL.clEnqueueWriteBuffer(queue, dst, CL.CL_TRUE, 0, bytes,
                    Pointer.to(src).withByteOffset((long) offset * Sizeof.cl_float), 0, null, done);
            return done;
        }
        return staged(queue, dst, bytes, event, buffer -> buffer.asFloatBuffer().put(src, offset, count));
    }

    /** Queues dst[0 .. count) ← src[offset .. offset + count) for int data (gather's row indices); as {@link #write}. */
    cl_event write(cl_command_queue queue, cl_mem dst, int[] src, int offset, int count, boolean event) {
        return staged(queue, dst, (long) count * Sizeof.cl_int, event,
                buffer -> buffer.asIntBuffer().put(src, offset, count));
    }

    private cl_event staged(cl_command_queue queue, cl_mem dst, long bytes, boolean event, Consumer<ByteBuffer> fill) {
        int slot = next;
        next = (next + 1) % SLOTS;
        awaitSlot(slot);
        if (staging[slot] == null || staging[slot].capacity() < bytes) {
            // Grows to the largest batch once; every later step reuses it.
            staging[slot] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer buffer = staging[slot];
        buffer.clear();
        fill.accept(buffer);
        cl_event done = new cl_event();
        CL.clEnqueueWriteBuffer(queue, dst, CL.CL_FALSE, 0, bytes, Pointer.to(buffer), 0, null, done);
        inFlight[slot] = done;
        if (event) {
            CL.clRetainEvent(done);
            return done;
        }
        return null;
    }

    /** Waits for every staged write and releases its event; call before the queue goes. */
    void finish() {
        for (int slot = 0; slot < SLOTS; slot++) {
            awaitSlot(slot);
        }
    }

    private void awaitSlot(int slot) {
        cl_event event = inFlight[slot];
        if (event != null) {
            inFlight[slot] = null;
            try {
                CL.clWaitForEvents(1, new cl_event[] {event});
            } finally {
                CL.clReleaseEvent(event);
            }
        }
    }
}
