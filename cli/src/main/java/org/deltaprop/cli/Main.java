package org.deltaprop.cli;

import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code deltaprop} command. Errors the user can fix (bad arguments, bad files, a
 * backend that cannot run) print one message and exit with status 1; anything else is a
 * bug and prints its stack trace (status 2).
 */
@Command(name = "deltaprop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train multilayer perceptrons by error backpropagation on the JVM.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class,
                ConvertCommand.class, GenerateCommand.class, InfoCommand.class, GradcheckCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (what tests call). */
    public static int run(String... args) {
        // One line per log record, e.g. the backend choice: "deltaprop: backend auto → simd (...)".
        System.setProperty("java.util.logging.SimpleFormatter.format", "deltaprop: %5$s%6$s%n");
        return commandLine().execute(args);
    }

    /** The command line as {@link #run} parses and executes it (the fuzz test parses with it alone). */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(Main::handle);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof IllegalArgumentException || e instanceof BackendUnavailableException
                || e instanceof IOException || e instanceof UncheckedIOException || e instanceof UserException
                || e instanceof TrainingDivergedException) {
            err.println("deltaprop " + commandLine.getCommandName() + ": error: " + e.getMessage());
            err.flush();
            return 1;
        }
        e.printStackTrace(err);
        err.flush();
        return 2;
    }

    /** A failure the user can fix, with a message that says how. */
    public static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UserException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"deltaprop " + (version == null ? "(development build)" : version)
                    + ", Java " + Runtime.version()};
        }
    }
}
