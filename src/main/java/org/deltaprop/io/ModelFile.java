package org.deltaprop.io;

import org.deltaprop.data.BadDataException;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Model files: safetensors with PyTorch {@code nn.Sequential} tensor names. Layer h's
 * {@code Linear} sits at index 2(h − 1), its activation module at 2h − 1, so
 * {@code 0.weight} (n¹ × n⁰), {@code 0.bias}, {@code 2.weight}, ... load with
 * {@code load_state_dict} into {@code nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)}.
 * The {@code __metadata__} holds the architecture, loss, scaling and class count, so
 * the file alone is enough to predict. See docs/MODEL_FORMAT.md.
 */
public final class ModelFile {

    public static final String FORMAT = "deltaprop-mlp/1";

    private ModelFile() {
    }

    /** The tensor name of layer h's weights (h = 1..L): 0.weight, 2.weight, ... */
    public static String weightName(int h) {
        return (2 * (h - 1)) + ".weight";
    }

    public static String biasName(int h) {
        return (2 * (h - 1)) + ".bias";
    }

    public static void write(Path file, Model model) throws IOException {
        write(file, model, Map.of(), List.of());
    }

    /** Writes the model plus extra metadata and tensors (checkpoints add optimizer state). */
    public static void write(Path file, Model model, Map<String, String> extraMetadata,
                             List<SafeTensors.Tensor> extraTensors) throws IOException {
        Network network = model.network();
        Architecture arch = network.architecture();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("sizes", arch.sizes());
        metadata.put("activations", arch.layers().stream().map(l -> l.activation().toString())
                .collect(Collectors.joining(";")));
        metadata.put("loss", arch.loss().cliName());
        metadata.put("classes", Integer.toString(model.classes()));
        metadata.put("scaling", model.scaling().toJson());
        metadata.putAll(extraMetadata);
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (int h = 1; h <= arch.depth(); h++) {
            tensors.add(new SafeTensors.Tensor(weightName(h), new long[] {arch.units(h), arch.units(h - 1)},
                    network.weights(h)));
            tensors.add(new SafeTensors.Tensor(biasName(h), new long[] {arch.units(h)}, network.bias(h)));
        }
        tensors.addAll(extraTensors);
        SafeTensors.write(file, metadata, tensors);
    }

    public static Model read(Path file) throws IOException {
        return fromContents(file, SafeTensors.read(file));
    }

    /** The model in already-read contents (a checkpoint reads the rest itself). */
    public static Model fromContents(Path file, SafeTensors.Contents contents) throws IOException {
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new BadDataException(file, "is a safetensors file but not a Deltaprop model (its metadata has format "
                    + meta.get("format") + ", expected " + FORMAT + ")");
        }
        Architecture arch;
        Scaling scaling;
        int classes;
        try {
            String[] sizes = meta.get("sizes").split("-");
            String[] activations = meta.get("activations").split(";");
            if (activations.length != sizes.length - 1) {
                throw new IllegalArgumentException("sizes " + meta.get("sizes") + " but activations "
                        + meta.get("activations"));
            }
            List<Layer> layers = new ArrayList<>();
            for (int h = 1; h < sizes.length; h++) {
                layers.add(new Layer(Integer.parseInt(sizes[h]), Activation.parse(activations[h - 1])));
            }
            arch = new Architecture(Integer.parseInt(sizes[0]), layers, Loss.parse(meta.get("loss")));
            scaling = Scaling.fromJson(meta.get("scaling"));
            classes = Integer.parseInt(meta.get("classes"));
        } catch (RuntimeException e) {
            throw new BadDataException(file, "has unreadable model metadata: " + e.getMessage());
        }
        float[][] weights = new float[arch.depth()][];
        float[][] biases = new float[arch.depth()][];
        for (int h = 1; h <= arch.depth(); h++) {
            weights[h - 1] = tensor(file, contents, weightName(h), arch.units(h), arch.units(h - 1));
            biases[h - 1] = tensor(file, contents, biasName(h), arch.units(h));
        }
        return new Model(Network.of(arch, weights, biases), scaling, classes);
    }

    private static float[] tensor(Path file, SafeTensors.Contents contents, String name, long... shape)
            throws BadDataException {
        SafeTensors.Tensor t = contents.tensors().get(name);
        if (t == null) {
            throw new BadDataException(file, "lacks tensor " + name + " that its architecture needs");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadDataException(file, "tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + " but the architecture needs " + Arrays.toString(shape));
        }
        for (float v : t.values()) {
            if (!Float.isFinite(v)) {
                throw new BadDataException(file, "tensor " + name + " contains " + v
                        + "; the model is corrupt (or was saved after training diverged)");
            }
        }
        return t.values();
    }
}
