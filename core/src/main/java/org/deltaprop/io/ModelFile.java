package org.deltaprop.io;

import com.google.gson.Gson;
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

/**
 * Model files: safetensors with PyTorch {@code nn.Sequential} tensor names. Each layer takes
 * {@link Layer#modules} module indices in order (a dense layer its {@code Linear} and then its
 * activation, a dropout layer one {@code Dropout}), and a {@code Linear}'s tensors are named by
 * its index: without dropout {@code 0.weight} (n¹ × n⁰), {@code 0.bias}, {@code 2.weight}, ...
 * load with {@code load_state_dict} into {@code nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)},
 * and with dropout after each hidden layer {@code 0.*}, {@code 3.*}, {@code 6.*} into
 * {@code nn.Sequential(Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear)}. The
 * {@code __metadata__} holds the architecture, loss, scaling, class count and, when known, the
 * target scaling and the names of the features and classes, so the file alone is enough to predict. See docs/MODEL_FORMAT.md.
 */
public final class ModelFile {

    /** The format of files without dropout, which readers from before dropout also read. */
    public static final String FORMAT = "deltaprop-mlp/1";
    /** The format of files with dropout: {@link #FORMAT} plus the {@code dropout} metadata key. */
    public static final String FORMAT_WITH_DROPOUT = "deltaprop-mlp/2";
    /**
     * The format of files whose regression targets are scaled: {@link #FORMAT_WITH_DROPOUT} plus the
     * {@code target_scaling} key. A reader that ignored the key would predict in the wrong units, so
     * these files have a format of their own, which older readers refuse.
     */
    public static final String FORMAT_WITH_TARGET_SCALING = "deltaprop-mlp/3";

    /**
     * The largest weight or bias a model file may hold: one beyond it overflows float range (3.4e38)
     * times an input of 3.4e8, so the model's outputs would be infinities. A damaged file lands
     * there (a flipped exponent bit turns 0.5 into 1.7e38); a run on its way to diverging does not
     * (the last checkpoint of one that had weights of 1e19 still had a finite loss).
     */
    public static final float MAX_PLAUSIBLE_PARAMETER = 1e30f;

    private ModelFile() {
    }

    /** The tensor name of dense layer h's weights (h = 1..L): its module index, then ".weight". */
    public static String weightName(Architecture arch, int h) {
        return moduleIndex(arch, h) + ".weight";
    }

    public static String biasName(Architecture arch, int h) {
        return moduleIndex(arch, h) + ".bias";
    }

    /** The nn.Sequential index of dense layer h's Linear: the modules of every layer before it. */
    private static int moduleIndex(Architecture arch, int h) {
        int index = 0;
        int seen = 0;
        for (Layer layer : arch.layers()) {
            if (layer instanceof Layer.Dense && ++seen == h) {
                return index;
            }
            index += layer.modules();
        }
        throw new IllegalArgumentException("layer " + h + " of " + arch.depth());
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
        boolean targetsScaled = model.targetScaling().kind() != Scaling.Kind.NONE;
        metadata.put("format", targetsScaled ? FORMAT_WITH_TARGET_SCALING : arch.hasDropout() ? FORMAT_WITH_DROPOUT
                : FORMAT);
        metadata.put("sizes", arch.sizes());
        List<String> activations = new ArrayList<>();
        List<String> dropout = new ArrayList<>();
        for (int h = 1; h <= arch.depth(); h++) {
            activations.add(arch.activation(h).toString());
            if (h < arch.depth()) {
                dropout.add(Double.toString(arch.dropoutAfter(h)));
            }
        }
        metadata.put("activations", String.join(";", activations));
        if (arch.hasDropout()) {
            metadata.put("dropout", String.join(";", dropout));     // after each hidden layer, 0 for none
        }
        metadata.put("loss", arch.loss().cliName());
        metadata.put("classes", Integer.toString(model.classes()));
        metadata.put("scaling", model.scaling().toJson());
        if (targetsScaled) {
            metadata.put("target_scaling", model.targetScaling().toJson());
        }
        if (!model.featureNames().isEmpty()) {
            metadata.put("feature_names", GSON.toJson(model.featureNames()));
        }
        if (!model.classNames().isEmpty()) {
            metadata.put("class_names", GSON.toJson(model.classNames()));
        }
        if (!model.targetNames().isEmpty()) {
            metadata.put("target_names", GSON.toJson(model.targetNames()));
        }
        metadata.putAll(extraMetadata);
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (int h = 1; h <= arch.depth(); h++) {
            tensors.add(new SafeTensors.Tensor(weightName(arch, h), new long[] {arch.units(h), arch.units(h - 1)},
                    network.weights(h)));
            tensors.add(new SafeTensors.Tensor(biasName(arch, h), new long[] {arch.units(h)}, network.bias(h)));
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
        String format = meta.get("format");
        if (format == null || !FORMATS.contains(format)) {  // List.of's contains refuses null
            throw new BadDataException(file, "is a safetensors file but not a Deltaprop model (its metadata has format "
                    + format + ", expected one of " + String.join(", ", FORMATS) + ")");
        }
        Architecture arch;
        Scaling scaling;
        int classes;
        Scaling targetScaling;
        List<String> featureNames;
        List<String> classNames;
        List<String> targetNames;
        try {
            String[] sizes = meta.get("sizes").split("-");
            String[] activations = meta.get("activations").split(";");
            if (activations.length != sizes.length - 1) {
                throw new IllegalArgumentException("sizes " + meta.get("sizes") + " but activations "
                        + meta.get("activations"));
            }
            String[] dropout = meta.containsKey("dropout") ? meta.get("dropout").split(";") : new String[0];
            if (dropout.length != 0 && dropout.length != sizes.length - 2) {
                throw new IllegalArgumentException("sizes " + meta.get("sizes") + " but dropout " + meta.get("dropout")
                        + " (one rate per hidden layer)");
            }
            List<Layer> layers = new ArrayList<>();
            for (int h = 1; h < sizes.length; h++) {
                layers.add(Layer.dense(Integer.parseInt(sizes[h]), Activation.parse(activations[h - 1])));
                double rate = h - 1 < dropout.length ? Double.parseDouble(dropout[h - 1]) : 0;
                if (rate != 0) {
                    layers.add(Layer.dropout(rate));
                }
            }
            arch = new Architecture(Integer.parseInt(sizes[0]), layers, Loss.parse(meta.get("loss")));
            scaling = Scaling.fromJson(meta.get("scaling"));
            classes = Integer.parseInt(meta.get("classes"));
            targetScaling = meta.containsKey("target_scaling") ? Scaling.fromJson(meta.get("target_scaling"))
                    : Scaling.NONE;
            featureNames = names(meta.get("feature_names"));
            classNames = names(meta.get("class_names"));
            targetNames = names(meta.get("target_names"));
        } catch (RuntimeException e) {
            throw new BadDataException(file, "has unreadable model metadata: " + e.getMessage());
        }
        if (classes < 0 || classes > 0 && classes != arch.outputs()) {
            throw new BadDataException(file, "its metadata says " + classes + " classes but its network " + arch.sizes()
                    + " has " + arch.outputs() + " outputs (one per class): the file is corrupt");
        }
        try {
            scaling.checkFeatures(arch.inputs());
        } catch (IllegalArgumentException e) {
            throw new BadDataException(file, "its scaling does not fit its network " + arch.sizes() + " of "
                    + arch.inputs() + " inputs (" + e.getMessage() + "): the file is corrupt");
        }
        float[][] weights = new float[arch.depth()][];
        float[][] biases = new float[arch.depth()][];
        for (int h = 1; h <= arch.depth(); h++) {
            weights[h - 1] = tensor(file, contents, weightName(arch, h), arch.units(h), arch.units(h - 1));
            biases[h - 1] = tensor(file, contents, biasName(arch, h), arch.units(h));
        }
        try {
            return new Model(Network.of(arch, weights, biases), scaling, classes, targetScaling, featureNames,
                    classNames, targetNames);
        } catch (IllegalArgumentException e) {
            throw new BadDataException(file, "has inconsistent model metadata: " + e.getMessage());
        }
    }

    private static final Gson GSON = new Gson();
    private static final List<String> FORMATS = List.of(FORMAT, FORMAT_WITH_DROPOUT, FORMAT_WITH_TARGET_SCALING);

    /** A JSON array of names from the metadata; empty when the key is absent. */
    private static List<String> names(String json) {
        if (json == null) {
            return List.of();
        }
        String[] names = GSON.fromJson(json, String[].class);
        if (names == null || Arrays.asList(names).contains(null)) {
            throw new IllegalArgumentException("names " + json + " are not a JSON array of strings");
        }
        return List.of(names);
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
        float[] values = t.values();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BadDataException(file, "tensor " + name + " contains " + values[i]
                        + "; the model is corrupt (or was saved after training diverged)");
            }
            if (Math.abs(values[i]) > MAX_PLAUSIBLE_PARAMETER) {
                throw new BadDataException(file, "tensor " + name + " holds " + values[i] + " at index " + i
                        + ", beyond the ±" + MAX_PLAUSIBLE_PARAMETER + " no trained network reaches: the file is corrupt");
            }
        }
        return values;
    }
}
