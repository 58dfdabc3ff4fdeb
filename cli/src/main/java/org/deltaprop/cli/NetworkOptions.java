package org.deltaprop.cli;

import org.deltaprop.nn.Activation;
import org.deltaprop.train.SettingException;
import org.deltaprop.train.Training;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code --hidden}, {@code --activation} and {@code --dropout}: the hidden layers of a new network,
 * for {@code deltaprop train} and {@code deltaprop-spark train}.
 */
public final class NetworkOptions {

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "256,128", split = ",", splitSynopsisLabel = ",",
            description = "Hidden layer sizes (default: ${DEFAULT-VALUE}); inputs and outputs come from the data.")
    List<Integer> hidden;

    // Split at the commas between activations, not those inside gsigmoid(α,β,γ,λ).
    @Option(names = "--activation", paramLabel = "F", defaultValue = "relu", split = ",(?![^()]*\\))", splitSynopsisLabel = ",",
            description = "Hidden activation, one for all or one per layer: sigmoid, tanh, relu, gudermannian, "
                    + "identity, gsigmoid(alpha,beta,gamma,lambda) (default: ${DEFAULT-VALUE}).")
    List<String> activation;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
            description = "Dropout rate after every hidden layer, in training only: each output is zeroed with "
                    + "probability P and the rest scaled by 1/(1 - P) (default: ${DEFAULT-VALUE}, none).")
    double dropout;

    public List<Integer> hidden() {
        return List.copyOf(hidden);
    }

    /** One activation for all hidden layers, or one per layer. */
    public List<Activation> activations() {
        return activation.stream().map(Activation::parse).toList();
    }

    public double dropout() {
        return dropout;
    }

    /** Sets the layers on {@code training}, which checks them as it prepares the run. */
    void applyTo(Training training) {
        training.hidden(hidden.stream().mapToInt(Integer::intValue).toArray())
                .activation(activations().toArray(Activation[]::new))
                .dropout(dropout);
    }

    /** Throws what {@code deltaprop train} says of these layers, for a command that builds the network itself. */
    public void check() {
        try {
            Training.checkHiddenLayers(hidden, activations().size(), dropout);
        } catch (SettingException e) {
            throw Main.UserException.forSetting(e);
        }
    }
}
