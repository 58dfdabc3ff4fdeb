package org.deltaprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.deltaprop.data.BadDataException;
import org.deltaprop.data.FuzzFiles;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes as a model file: {@link ModelFile#read} (the safetensors container, its JSON header,
 * then the model's metadata and tensors) either returns a model or throws
 * {@link BadDataException}; never another exception, a hang or an out-of-memory error. The
 * committed inputs (ModelFileFuzzTestInputs) run in every build; docs/FUZZING.md says how to fuzz.
 */
class ModelFileFuzzTest {

    @FuzzTest
    void readsModelOrRejectsIt(byte[] input) throws IOException {
        Path file = FuzzFiles.write("model.safetensors", input);
        Model model;
        try {
            model = ModelFile.read(file);
        } catch (BadDataException expected) {
            return;
        }
        // A model read is one the rest of Deltaprop can use: its tensors fit its architecture.
        var network = model.network();
        var arch = network.architecture();
        for (int h = 1; h <= arch.depth(); h++) {
            assertEquals((long) arch.units(h) * arch.units(h - 1), network.weights(h).length);
            assertEquals(arch.units(h), network.bias(h).length);
        }
    }
}
