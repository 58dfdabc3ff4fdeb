package org.deltaprop.onnx;

import org.deltaprop.data.Scaling;
import org.deltaprop.io.AtomicFiles;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Network;
import org.deltaprop.onnx.proto.Onnx.AttributeProto;
import org.deltaprop.onnx.proto.Onnx.GraphProto;
import org.deltaprop.onnx.proto.Onnx.ModelProto;
import org.deltaprop.onnx.proto.Onnx.NodeProto;
import org.deltaprop.onnx.proto.Onnx.OperatorSetIdProto;
import org.deltaprop.onnx.proto.Onnx.StringStringEntryProto;
import org.deltaprop.onnx.proto.Onnx.TensorProto;
import org.deltaprop.onnx.proto.Onnx.TensorShapeProto;
import org.deltaprop.onnx.proto.Onnx.TypeProto;
import org.deltaprop.onnx.proto.Onnx.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Deltaprop model as an ONNX graph: what {@code deltaprop predict} computes, from raw
 * features to outputs, in standard operators (opset 13), so that ONNX Runtime or any other
 * ONNX consumer gives the same predictions without Deltaprop.
 *
 * <p>The graph reads {@value #INPUT} (batch × n⁰ float) and applies, in order: the model's
 * feature scaling ({@code Mul} by 1/divisor, or {@code Sub} mean then {@code Mul} 1/std, in
 * float as {@link Scaling#apply} does); per dense layer a {@code Gemm} (Sʰ = Xʰ⁻¹·Wʰᵀ + bʰ, the
 * weights in {@code nn.Linear} layout) and its activation; dropout layers are left out, as in
 * prediction; for a regression model trained on standardised targets, {@code Div} by 1/std and
 * {@code Add} the mean, back to the targets' units as {@link Scaling#invert} does. It writes {@value #OUTPUT} (batch × nᴸ: the output layer's values, probabilities
 * under softmax or sigmoid outputs) and, for a classifier, {@value #CLASS} (batch, int64:
 * the arg-max, the first on ties as in {@code deltaprop predict}).
 *
 * <p>Activations without an ONNX operator are composed: the generic sigmoid
 * α / (1 + e^(−βS+γ)) + λ as α·Sigmoid(β·S − γ) + λ, the Gudermannian 2·atan(tanh(S/2)) from
 * {@code Tanh} and {@code Atan}. See docs/ONNX.md.
 */
public final class OnnxExport {

    /** The graph's input: raw (unscaled) features, batch × n⁰. */
    public static final String INPUT = "input";
    /** The graph's output: the network's outputs, batch × nᴸ, as {@code predict --columns outputs} writes them. */
    public static final String OUTPUT = "output";
    /** A classifier's second output: the predicted class per row (int64), as {@code predict} writes it. */
    public static final String CLASS = "class";

    /** ONNX IR version 7 goes with opset 13, the first with Softmax over one axis as Deltaprop's. */
    private static final long IR_VERSION = 7;
    private static final long OPSET = 13;

    private OnnxExport() {
    }

    /** Writes the model's ONNX graph to {@code file}, whole or not at all. */
    public static void write(Path file, Model model) throws IOException {
        ModelProto onnx = toOnnx(model);
        AtomicFiles.write(file, onnx::writeTo);
    }

    /** The model's ONNX graph. */
    public static ModelProto toOnnx(Model model) {
        Network network = model.network();
        Architecture arch = network.architecture();
        Graph graph = new Graph();
        String x = scaling(graph, model.scaling(), arch.inputs());
        boolean targetsScaled = model.targetScaling().kind() != Scaling.Kind.NONE;
        for (int h = 1; h <= arch.depth(); h++) {
            String layer = "dense" + h;
            graph.initializer(layer + ".weight", network.weights(h), arch.units(h), arch.units(h - 1));
            graph.initializer(layer + ".bias", network.bias(h), arch.units(h));
            String s = graph.node("Gemm", layer + "/S", x, layer + ".weight", layer + ".bias")
                    .addAttribute(intAttribute("transB", 1)).getOutput(0);
            x = activation(graph, arch.activation(h), s, h == arch.depth() && !targetsScaled ? OUTPUT : layer + "/X");
        }
        if (targetsScaled) {
            targetUnits(graph, model.targetScaling(), x, arch.outputs());
        }
        GraphProto.Builder g = graph.builder.setName("deltaprop " + arch.sizes())
                .addInput(floatMatrix(INPUT, arch.inputs(), "raw features, unscaled"))
                .addOutput(floatMatrix(OUTPUT, arch.outputs(), model.classes() > 0
                        ? "output layer values: class probabilities under softmax or sigmoid outputs" : "predicted values"));
        if (model.classes() > 0) {
            graph.node("ArgMax", CLASS, OUTPUT).addAttribute(intAttribute("axis", 1))
                    .addAttribute(intAttribute("keepdims", 0));
            g.addOutput(ValueInfoProto.newBuilder().setName(CLASS).setDocString("predicted class, the first on ties")
                    .setType(tensorType(TensorProto.DataType.INT64, batch())));
        }
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("deltaprop")
                .setProducerVersion(version == null ? "development build" : version)
                .setDocString("Multilayer perceptron " + arch.sizes() + " exported from Deltaprop")
                .addMetadataProps(property("sizes", arch.sizes()))
                .addMetadataProps(property("activations", activations(arch)))
                .addMetadataProps(property("loss", arch.loss().cliName()))
                .addMetadataProps(property("classes", Integer.toString(model.classes())))
                .setGraph(g)
                .build();
    }

    /** The nodes that take the network's outputs {@code y} back to the targets' units, into {@link #OUTPUT}. */
    private static void targetUnits(Graph graph, Scaling targets, String y, int outputs) {
        if (targets.kind() != Scaling.Kind.STANDARDIZE) {
            throw new IllegalArgumentException("targets scaled by " + targets + " cannot be exported");
        }
        graph.initializer("target_scaling.inverse_std", targets.inverseStd(), outputs);
        graph.initializer("target_scaling.mean", targets.mean(), outputs);
        String unscaled = graph.node("Div", "unscaled", y, "target_scaling.inverse_std").getOutput(0);
        graph.node("Add", OUTPUT, unscaled, "target_scaling.mean");
    }

    /** The scaling's nodes from {@link #INPUT}; returns the name of the scaled features. */
    private static String scaling(Graph graph, Scaling scaling, int features) {
        switch (scaling.kind()) {
            case NONE -> {
                return INPUT;
            }
            case DIVIDE -> {
                // Multiplies by the float 1/divisor, as Scaling.apply does, rather than dividing.
                graph.initializer("scaling.inverse_divisor", new float[] {1f / scaling.divisor()});
                return graph.node("Mul", "scaled", INPUT, "scaling.inverse_divisor").getOutput(0);
            }
            case STANDARDIZE -> {
                graph.initializer("scaling.mean", scaling.mean(), features);
                graph.initializer("scaling.inverse_std", scaling.inverseStd(), features);
                String centred = graph.node("Sub", "centred", INPUT, "scaling.mean").getOutput(0);
                return graph.node("Mul", "scaled", centred, "scaling.inverse_std").getOutput(0);
            }
            default -> throw new AssertionError(scaling.kind());
        }
    }

    /** f(S) from value {@code s} into value {@code out}; returns {@code out}. */
    private static String activation(Graph graph, Activation f, String s, String out) {
        return switch (f.kind()) {
            case SIGMOID -> graph.node("Sigmoid", out, s).getOutput(0);
            case TANH -> graph.node("Tanh", out, s).getOutput(0);
            case RELU -> graph.node("Relu", out, s).getOutput(0);
            case IDENTITY -> graph.node("Identity", out, s).getOutput(0);
            case SOFTMAX -> graph.node("Softmax", out, s).addAttribute(intAttribute("axis", 1)).getOutput(0);
            case GENERIC_SIGMOID -> {
                // α / (1 + e^(−βS+γ)) + λ = α·σ(βS − γ) + λ
                String betaS = graph.node("Mul", out + "/beta_s", s, graph.scalar(out + ".beta", f.beta())).getOutput(0);
                String shifted = graph.node("Sub", out + "/shifted", betaS, graph.scalar(out + ".gamma", f.gamma()))
                        .getOutput(0);
                String logistic = graph.node("Sigmoid", out + "/logistic", shifted).getOutput(0);
                String scaled = graph.node("Mul", out + "/alpha_logistic", logistic, graph.scalar(out + ".alpha", f.alpha()))
                        .getOutput(0);
                yield graph.node("Add", out, scaled, graph.scalar(out + ".lambda", f.lambda())).getOutput(0);
            }
            case GUDERMANNIAN -> {
                // gd(S) = 2·atan(tanh(S/2))
                String half = graph.node("Mul", out + "/half", s, graph.scalar(out + ".half", 0.5)).getOutput(0);
                String tanh = graph.node("Tanh", out + "/tanh", half).getOutput(0);
                String atan = graph.node("Atan", out + "/atan", tanh).getOutput(0);
                yield graph.node("Mul", out, atan, graph.scalar(out + ".two", 2)).getOutput(0);
            }
        };
    }

    /** The nodes and constants of one graph, in the order they are added (which is topological). */
    private static final class Graph {
        final GraphProto.Builder builder = GraphProto.newBuilder();

        NodeProto.Builder node(String op, String output, String... inputs) {
            return builder.addNodeBuilder().setOpType(op).setName(output).addOutput(output)
                    .addAllInput(List.of(inputs));
        }

        void initializer(String name, float[] values, long... dims) {
            TensorProto.Builder t = builder.addInitializerBuilder().setName(name)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE);
            for (long d : dims) {
                t.addDims(d);
            }
            for (float v : values) {
                t.addFloatData(v);
            }
        }

        /** A float scalar constant (rank 0, broadcast against any tensor); returns its name. */
        String scalar(String name, double value) {
            initializer(name, new float[] {(float) value});
            return name;
        }
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static ValueInfoProto floatMatrix(String name, int columns, String doc) {
        TensorShapeProto shape = batch().toBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns)).build();
        return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
                .setType(tensorType(TensorProto.DataType.FLOAT, shape)).build();
    }

    /** A shape whose one dimension is the batch, of any size. */
    private static TensorShapeProto batch() {
        return TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch")).build();
    }

    private static TypeProto tensorType(TensorProto.DataType type, TensorShapeProto shape) {
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
                .setShape(shape)).build();
    }

    private static StringStringEntryProto property(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey("deltaprop." + key).setValue(value).build();
    }

    private static String activations(Architecture arch) {
        StringBuilder s = new StringBuilder();
        for (int h = 1; h <= arch.depth(); h++) {
            s.append(h > 1 ? ";" : "").append(arch.activation(h));
        }
        return s.toString();
    }
}
