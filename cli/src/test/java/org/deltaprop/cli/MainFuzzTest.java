package org.deltaprop.cli;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any argument array, parsed as {@code deltaprop} parses it, with the commands themselves
 * replaced by a no-op (a fuzzed {@code train} would otherwise train): it parses (status 0) or
 * is a usage error (status 2) with a message and no stack trace; never an exception. Arguments
 * are drawn from every command and option name and from free text, so that the fuzzer reaches
 * every option's converter. The committed inputs (MainFuzzTestInputs) run in every build;
 * docs/FUZZING.md says how to fuzz.
 */
class MainFuzzTest {

    /** Every subcommand and option name, each command's after its name. */
    private static final String[] WORDS = words();

    @FuzzTest
    void parsesOrExplains(FuzzedDataProvider data) {
        List<String> args = new ArrayList<>();
        int n = data.consumeInt(0, 12);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            args.add(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(24));
        }
        CommandLine commandLine = Main.commandLine();
        commandLine.setExecutionStrategy(parsed -> 0);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int status = commandLine.execute(args.toArray(String[]::new));
        assertTrue(status == 0 || status == 2, () -> "status " + status + " for " + args + ": " + err);
        if (status == 2) {
            assertFalse(err.toString().isBlank(), () -> "a usage error without a message for " + args);
        }
        assertFalse(err.toString().contains("\tat "), () -> "a stack trace for " + args + ": " + err);
    }

    private static String[] words() {
        TreeSet<String> words = new TreeSet<>();
        collect(Main.commandLine(), words);
        return words.toArray(String[]::new);
    }

    private static void collect(CommandLine command, TreeSet<String> words) {
        words.add(command.getCommandName());
        command.getCommandSpec().options().forEach(o -> words.addAll(List.of(o.names())));
        command.getSubcommands().values().forEach(sub -> collect(sub, words));
    }
}
