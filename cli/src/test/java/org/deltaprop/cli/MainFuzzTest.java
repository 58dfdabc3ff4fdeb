package org.deltaprop.cli;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any argument array, parsed as {@code deltaprop} parses it, with the commands themselves
 * replaced by one that only prints the help or version asked for (a fuzzed {@code train} would
 * otherwise train): it parses (status 0) or is a usage error (status 2) with a message; never an
 * exception (which {@link Main} would show as a stack trace, so here it escapes as a finding).
 * Stderr is not searched for a stack trace: picocli echoes the arguments, and the fuzzer soon
 * wrote one that looks like a stack frame. Arguments
 * are drawn from every command and option name and from free text, so that the fuzzer reaches
 * every option's converter. The committed inputs (MainFuzzTestInputs) run in every build;
 * docs/FUZZING.md says how to fuzz.
 */
class MainFuzzTest {

    /**
     * One command line for every input, as picocli resets each option before it parses: building
     * the command model anew for each input would make this a few inputs a second.
     */
    private static final CommandLine COMMAND_LINE = Main.commandLine()
            .setExecutionStrategy(MainFuzzTest::helpOnly)
            .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                throw e;  // a failure past parsing, which Main would print as a stack trace: a finding
            });
    private static final StringWriter ERR = new StringWriter();

    static {
        COMMAND_LINE.setOut(new PrintWriter(Writer.nullWriter()));
        COMMAND_LINE.setErr(new PrintWriter(ERR, true));
    }

    /** Every subcommand and option name. */
    private static final String[] WORDS = words();

    @FuzzTest
    void parsesOrExplains(FuzzedDataProvider data) {
        List<String> args = new ArrayList<>();
        int n = data.consumeInt(0, 12);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            args.add(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(24));
        }
        ERR.getBuffer().setLength(0);
        int status = COMMAND_LINE.execute(args.toArray(String[]::new));
        String err = ERR.toString();
        assertTrue(status == 0 || status == 2, () -> "status " + status + " for " + args + ": " + err);
        if (status == 2) {
            assertFalse(err.isBlank(), () -> "a usage error without a message for " + args);
        }
    }

    /** The commands' stand-in: what --help and --version print is printed, nothing else runs. */
    private static int helpOnly(CommandLine.ParseResult parsed) {
        Integer status = CommandLine.executeHelpRequest(parsed);
        return status != null ? status : 0;
    }

    private static String[] words() {
        TreeSet<String> words = new TreeSet<>();
        collect(COMMAND_LINE, words);
        return words.toArray(String[]::new);
    }

    private static void collect(CommandLine command, TreeSet<String> words) {
        words.add(command.getCommandName());
        command.getCommandSpec().options().forEach(o -> words.addAll(List.of(o.names())));
        command.getSubcommands().values().forEach(sub -> collect(sub, words));
    }
}
