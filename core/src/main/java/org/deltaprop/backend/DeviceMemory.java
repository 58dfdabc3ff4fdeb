package org.deltaprop.backend;

/**
 * The memory limits of the device a backend allocates its matrices on, as the device reports
 * them: {@code globalBytes} in all and {@code maxBufferBytes} in one buffer (OpenCL's
 * CL_DEVICE_GLOBAL_MEM_SIZE and CL_DEVICE_MAX_MEM_ALLOC_SIZE), and {@code reservedBytes} that the
 * backend holds for itself in one buffer from start to close (OpenCL: the split-K scratch). What a
 * run's buffers are weighed against before any of them is allocated.
 */
public record DeviceMemory(String device, long globalBytes, long maxBufferBytes, long reservedBytes) {
}
