package org.deltaprop.cli;

import org.deltaprop.io.Model;
import org.deltaprop.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code deltaprop export}: a saved model as an ONNX file, for ONNX Runtime and other tools. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a saved model as ONNX (opset 13): input 'input' (raw features, batch × inputs), the "
                + "model's scaling and layers as standard operators, output 'output' (the outputs predict writes) "
                + "and, for classifiers, 'class'.",
                "",
                "Example:  deltaprop export -m model.safetensors -o model.onnx"})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ModelOption model;

    @Option(names = {"-o", "--out"}, paramLabel = "ONNX", required = true,
            description = "The ONNX file to write (whole or not at all).")
    Path out;

    @Override
    public Integer call() throws IOException {
        OutputPaths.checkWritable(out, "ONNX model");
        if (Files.exists(out) && Files.exists(model.path) && Files.isSameFile(out, model.path)) {
            throw new Main.UserException("-o " + out + " is the model file itself; writing there would replace it. "
                    + "Name another file, e.g. model.onnx");
        }
        Model m = model.read();
        OnnxExport.write(out, m);
        System.err.println("deltaprop: wrote " + out + " (" + m.network().architecture().sizes() + ", "
                + (m.classes() > 0 ? m.classes() + " classes" : "regression") + ")");
        return 0;
    }
}
