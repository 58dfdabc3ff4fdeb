package org.deltaprop.train.optimizer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry the command line and checkpoints create optimizers through. */
class OptimizersTest {

    @Test
    void everyOptimizerIsRecreatedFromItsNameAndHyperParameters() {
        List<Optimizer> all = List.of(Optimizer.sgd(0.5), Optimizer.momentum(0.02, 0.8), Optimizer.adam(0.003),
                new Adam(0.01, 0.8, 0.99, 1e-6), Optimizer.adamW(0.002, 0.05), new AdamW(0.01, 0.85, 0.95, 1e-7, 0.3));
        for (Optimizer o : all) {
            // What a checkpoint stores and reads back.
            Optimizer again = Optimizers.create(o.name(), o.learningRate(), o.hyperParameters());
            assertEquals(o, again, o.toString());
            assertEquals(o.stateNames(), again.stateNames());
        }
        assertEquals(List.of("sgd", "momentum", "adam", "adamw"), Optimizers.names());
    }

    @Test
    void defaultsAreThoseTheHelpStates() {
        assertEquals(new Sgd(0.1), Optimizers.create("sgd"));
        assertEquals(new Momentum(0.01, 0.9), Optimizers.create("momentum"));
        assertEquals(new Adam(0.001, 0.9, 0.999, 1e-8), Optimizers.create("Adam"));
        assertEquals(new AdamW(0.001, 0.9, 0.999, 1e-8, 0.01), Optimizers.create("adamw"));
        assertEquals(new AdamW(0.004, 0.9, 0.999, 1e-8, 0.2),
                Optimizers.create("adamw", 0.004, Map.of("weight_decay", 0.2)));
    }

    @Test
    void unknownNamesAndForeignHyperParametersAreRefusedWithWhatExists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("rmsprop"));
        assertTrue(e.getMessage().contains("sgd, momentum, adam, adamw"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create("adam", null, Map.of("weight_decay", 0.1)));
        assertTrue(e.getMessage().contains("'weight_decay'") && e.getMessage().contains("beta1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", null, Map.of("momentum", 0.9)));
        assertTrue(e.getMessage().contains("'momentum'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", -1.0, Map.of()));
    }
}
