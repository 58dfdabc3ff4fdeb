package org.deltaprop.backend.scalar;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;

/** The reference backend runs everywhere, and is the slowest: {@code auto} picks it last. */
public final class ScalarProvider implements BackendProvider {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Availability probe() {
        return Availability.usable(name(), 0, "reference loops, always available");
    }

    @Override
    public Backend create() {
        return new ScalarBackend();
    }
}
