package org.deltaprop.cli;

import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code -m/--model}: the saved model that eval and predict run. */
final class ModelOption {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", required = true, description = "The model file.")
    Path path;

    Model read() throws IOException {
        return ModelFile.read(path);
    }
}
