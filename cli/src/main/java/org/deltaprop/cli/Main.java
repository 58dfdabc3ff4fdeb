package org.deltaprop.cli;

import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.backend.opencl.OpenClException;
import org.deltaprop.data.BadDataException;
import org.deltaprop.train.SettingException;
import org.deltaprop.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code deltaprop} command. Errors the user can fix (bad arguments, bad files, a
 * backend that cannot run, an OpenCL driver's refusal, which carries its sizes or its compiler
 * log) print one message and exit with status 1; anything else is a bug and prints its stack
 * trace (status 2).
 */
@Command(name = "deltaprop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train multilayer perceptrons by error backpropagation on the JVM.")
public final class Main implements Runnable {

    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(TrainCommand.class, EvalCommand.class,
            PredictCommand.class, ExportCommand.class, ConvertCommand.class, GenerateCommand.class, InfoCommand.class,
            GradcheckCommand.class, DemoCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit status (what tests call). {@code --version} alone is
     * answered without picocli, whose command model (every command, for this flag) took the command
     * from 0.12 to 0.43 s of CPU on 2 cores.
     */
    public static int run(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(Version.line());
            if (System.out.checkError()) {
                System.err.println("deltaprop: error: " + OUTPUT_LOST);
                return 1;
            }
            return 0;
        }
        return run(commandLine(args), args);
    }

    /**
     * Executes {@code args} on {@code commandLine} ({@link #commandLine}'s, or a test's own command)
     * and turns what the user can act on, the heap or the stack running out included, into one
     * line and status 1.
     */
    static int run(CommandLine commandLine, String... args) {
        int status;
        try {
            BackendOptions.checkThreadsProperty();
            status = commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            // What the job held is unreachable once the error has left it, so there is room to say this.
            return fail(commandLine, "out of memory: the Java heap (at most " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB here) cannot hold this job. Raise it with DELTAPROP_JAVA_OPTS=-Xmx<size> (scripts/deltaprop "
                    + "passes it to the JVM; e.g. -Xmx16g), or for data larger than memory convert it to a store "
                    + "(deltaprop convert, docs/DATA.md) and train on that");
        } catch (UserException e) {
            return fail(commandLine, e.getMessage());
        } catch (StackOverflowError e) {
            return fail(commandLine, "an input nests too deeply to read (the stack overflowed); the file is "
                    + "corrupt or hostile");
        }
        if (System.out.checkError()) {
            return fail(commandLine, OUTPUT_LOST);
        }
        return status;
    }

    private static final String OUTPUT_LOST = "standard output could not be written (closed, or the disk is full); "
            + "what it should have shown is lost, though files written are complete";

    private static int fail(CommandLine commandLine, String message) {
        PrintWriter err = commandLine.getErr();
        err.println("deltaprop: error: " + message);
        err.flush();
        return 1;
    }

    /**
     * The command line for {@code args}, as {@link #run} parses and executes it (the fuzz test
     * parses with {@code commandLine()}, which has every command). Picocli models each subcommand
     * it is given by reflection over its options, which at start-up costs more than a small job's
     * work: a run that names its command gets that one alone; usage, help and misspelt commands
     * get them all.
     */
    static CommandLine commandLine(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        Optional<Class<?>> named = args.length == 0 ? Optional.empty() : COMMANDS.stream()
                .filter(command -> command != CommandLine.HelpCommand.class
                        && command.getAnnotation(Command.class).name().equals(args[0]))
                .findFirst();
        named.map(List::<Class<?>>of).orElse(COMMANDS).forEach(commandLine::addSubcommand);
        // After the subcommands: these settings reach only the subcommands already added.
        commandLine.setExecutionExceptionHandler(Main::handle);
        commandLine.setParameterExceptionHandler(Main::handleParameter);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // No @argument files: picocli reads any argument starting with @ as a file of arguments and,
        // when it cannot (@/, a folder), throws past every handler with a stack trace. Deltaprop's
        // arguments are short, and a file name starting with @ is then just a name.
        commandLine.setExpandAtFiles(false);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * What went wrong, in words: the JDK's file-system exceptions say only the path (an
     * AccessDeniedException's message is the file's name alone), so the reason is added.
     */
    static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof FileSystemException f && f.getReason() == null) {
            String what = switch (f) {
                case AccessDeniedException a -> "permission denied: this user may not " + (f.getOtherFile() != null
                        ? "move it" : "open it") + " (check its permissions, and its folder's)";
                case NoSuchFileException n -> "no such file";
                case NotDirectoryException n -> "not a folder";
                case FileAlreadyExistsException x -> "already exists";
                default -> f.getClass().getSimpleName();
            };
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        return e.getMessage();
    }

    /**
     * A mistake on the command line: the one line that says what is wrong (and picocli's guess at a
     * misspelt name), and where the options are listed, rather than the line above a usage of a
     * hundred lines that scrolls it away.
     */
    private static int handleParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        String command = commandLine.getCommandSpec().qualifiedName();
        err.println(command + ": error: " + visible(BadDataException.shorten(e.getMessage())));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("(" + command + " --help lists the options)");
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof IllegalArgumentException || e instanceof BackendUnavailableException
                || e instanceof IOException || e instanceof UncheckedIOException || e instanceof UserException
                || e instanceof TrainingDivergedException || e instanceof OpenClException) {
            err.println("deltaprop " + commandLine.getCommandName() + ": error: "
                    + visible(BadDataException.shorten(describe(e))));
            err.flush();
            return 1;
        }
        e.printStackTrace(err);
        err.flush();
        return 2;
    }

    /**
     * The message with its control characters written as escapes (a NUL as \\u0000, a line break
     * as \\n): it quotes fields of the user's files, and a raw NUL or line break would make the one
     * error line binary (which grep then hides) or split it.
     */
    static String visible(String message) {
        if (message == null || message.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length() + 16);
        for (char c : message.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A failure the user can fix, with a message that says how. */
    public static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UserException(String message) {
            super(message);
        }

        /** The library's refusal of a setting, under the name of the option that sets it: "--epochs 0: give at least 1". */
        public static UserException forSetting(SettingException e) {
            return new UserException(option(e.setting()) + " " + e.problem());
        }

        /** The option that sets what the library calls {@code setting}. */
        private static String option(String setting) {
            return switch (setting) {
                case "validation", "epochs", "patience", "hidden", "activation", "dropout", "batch", "resident" ->
                        "--" + setting;
                case "checkpoint" -> "--checkpoint-every/--checkpoint-steps/--checkpoint-minutes";
                default -> setting;
            };
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }

        static String line() {
            String version = Main.class.getPackage().getImplementationVersion();
            return "deltaprop " + (version == null ? "(development build)" : version) + ", Java " + Runtime.version();
        }
    }
}
