package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_event;
import org.jocl.cl_mem;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staged uploads on a queue held shut by a user event, so that no write can run until the test
 * opens it, on any device: PoCL may run a write as soon as it is queued, where a staging buffer
 * reused before its write had run would go unnoticed, and a GPU runs it whenever it gets to it.
 */
class StagedUploadsTest {

    /** More uploads than there are staging buffers, so some must wait for an earlier write. */
    private static final int UPLOADS = 8;
    private static final int COUNT = 1000;

    @Test
    @SuppressWarnings("deprecation")  // clCreateCommandQueue: the call every OpenCL version has
    void aStagingBufferIsReusedOnlyAfterItsWriteHasRun() throws InterruptedException {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        CL.setExceptionsEnabled(true);
        cl_context context = DeviceContexts.of(device.id());
        cl_command_queue queue = CL.clCreateCommandQueue(context, device.id(), 0, null);
        cl_mem[] targets = new cl_mem[UPLOADS];
        for (int u = 0; u < UPLOADS; u++) {
            targets[u] = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, (long) COUNT * Sizeof.cl_float, null, null);
        }
        cl_event gate = CL.clCreateUserEvent(context, null);
        CL.clEnqueueBarrierWithWaitList(queue, 1, new cl_event[] {gate}, null);
        // The gate opens a while after the uploads start: long enough for all of them to be
        // queued if none waited, while one that must wait simply waits until then.
        boolean[] opened = new boolean[1];
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (opened) {
                opened[0] = true;
            }
            CL.clSetUserEventStatus(gate, CL.CL_COMPLETE);
        });
        opener.start();
        try {
            StagedUploads uploads = new StagedUploads();
            float[] source = new float[COUNT];
            for (int u = 0; u < UPLOADS; u++) {
                Arrays.fill(source, u + 1);
                uploads.write(queue, targets[u], source, 0, COUNT);
            }
            synchronized (opened) {
                assertTrue(opened[0], UPLOADS + " uploads were queued without waiting for any write to run");
            }
            uploads.finish();
            float[] out = new float[COUNT];
            for (int u = 0; u < UPLOADS; u++) {
                CL.clEnqueueReadBuffer(queue, targets[u], CL.CL_TRUE, 0, (long) COUNT * Sizeof.cl_float,
                        Pointer.to(out), 0, null, null);
                for (float v : out) {
                    assertEquals(u + 1, v, "upload " + u);
                }
            }
        } finally {
            opener.join();
            CL.clFinish(queue);
            CL.clReleaseEvent(gate);
            for (cl_mem target : targets) {
                CL.clReleaseMemObject(target);
            }
            CL.clReleaseCommandQueue(queue);
        }
    }
}
