package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_device_id;

import java.util.HashMap;
import java.util.Map;

/**
 * One OpenCL context per device, made when a backend first runs on it and kept for the life of
 * the JVM; every backend on that device shares it.
 *
 * <p>Why a context is never released: JOCL 2.0.5's {@code clReleaseContext} erases the context's
 * entry from its native callback map and then reads the entry it has just freed
 * ({@code destroyCallbackInfo}), and deletes whatever pointer it finds there. Where another thread
 * has reused that memory in between (the JIT, the GC, the driver's own threads), it frees a wild
 * pointer: a test JVM died of it with a segmentation fault seconds later in unrelated code, and it
 * crashes every time where glibc overwrites freed memory at once ({@code DeviceContextsTest}). The map is also unsynchronised, so contexts
 * created or released on two threads at once race on it. Kept, a context holds a little of the
 * driver's host memory; each backend still releases its buffers, kernels, programs and queue.
 */
final class DeviceContexts {

    /** By the device's native handle, which is the same however often the devices are enumerated. */
    private static final Map<Long, cl_context> CONTEXTS = new HashMap<>();

    private DeviceContexts() {
    }

    /** The context for {@code device}, created on first use. */
    static synchronized cl_context of(cl_device_id device) {
        cl_context context = CONTEXTS.get(device.getNativePointer());
        if (context == null) {
            CL.setExceptionsEnabled(true);
            context = CL.clCreateContext(null, 1, new cl_device_id[] {device}, null, null, null);
            CONTEXTS.put(device.getNativePointer(), context);
        }
        return context;
    }
}
