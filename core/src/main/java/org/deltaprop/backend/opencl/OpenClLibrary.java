package org.deltaprop.backend.opencl;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Asks the dynamic loader for libOpenCL before JOCL does. When JOCL's native part cannot load
 * the library it prints {@code Could not load libOpenCL.so, error ...} with C's printf, which no
 * Java stream sees, and, C's standard output being buffered in a pipe, the line comes out when
 * the JVM exits, after the program's last line; yet the probe already says why OpenCL cannot run
 * and what to install. Opened through {@code java.lang.foreign}, the same dlopen of the same
 * name fails quietly with an exception instead, and JOCL is then not touched at all.
 *
 * <p>Linux only (where JOCL asks for {@code libOpenCL.so} and nothing else), and JDK 22 or newer:
 * Deltaprop targets JDK 21, where {@code java.lang.foreign} is a preview API, so it is reached by
 * reflection, and wherever it cannot be, the check passes and JOCL finds out for itself.
 */
final class OpenClLibrary {

    /** The file JOCL asks the dynamic loader for on Linux. */
    static final String NAME = "libOpenCL.so";

    private OpenClLibrary() {
    }

    /** Throws {@link UnsatisfiedLinkError} with the loader's words when {@code name} cannot be loaded. */
    static void requireLoadable(String name) {
        if (Runtime.version().feature() < 22
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return;
        }
        Method libraryLookup;
        Object arena;
        try {
            Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
            libraryLookup = Class.forName("java.lang.foreign.SymbolLookup")
                    .getMethod("libraryLookup", String.class, arenaType);
            arena = arenaType.getMethod("ofConfined").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return;  // a JDK without java.lang.foreign: leave it to JOCL
        }
        try (AutoCloseable confined = (AutoCloseable) arena) {
            libraryLookup.invoke(null, name, confined);  // loads it, and unloads it as the arena closes
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException missing) {
                throw new UnsatisfiedLinkError(missing.getMessage());
            }
        } catch (Exception e) {
            // Native access denied, a failed unload: nothing said about the library; JOCL decides.
        }
    }
}
