package org.deltaprop.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code -o}, {@code --checkpoint} and {@code --resume}: the model a training run writes, and its checkpoint. */
public final class ModelFileOptions {

    @Option(names = {"-o", "--out"}, paramLabel = "MODEL", defaultValue = "model.safetensors",
            description = "Where to save the model (default: ${DEFAULT-VALUE}); written only when training succeeds.")
    Path out;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file (default: the model's name with .ckpt.safetensors).")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue a run from a checkpoint up to --epochs (same data and options).")
    Path resume;

    public Path out() {
        return out;
    }

    /** The checkpoint to continue from, or null. */
    public Path resume() {
        return resume;
    }

    /**
     * Where the checkpoints go: --checkpoint, else beside the model when the run takes checkpoints
     * ({@code checkpointing}) or resumes (a resumed run writes its checkpoint on); null otherwise.
     */
    public Path checkpoint(boolean checkpointing) {
        return checkpoint != null ? checkpoint
                : checkpointing || resume != null ? OutputPaths.sibling(out, ".ckpt.safetensors") : null;
    }
}
