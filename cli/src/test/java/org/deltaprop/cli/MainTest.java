package org.deltaprop.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line models only the subcommand a run names, and all of them where help needs them;
 * a stack that overflows is one line of error.
 */
class MainTest {

    private static final List<String> ALL = List.of("train", "eval", "predict", "export", "convert", "generate",
            "info", "gradcheck", "demo", "help");

    @Test
    void aRunThatNamesItsCommandModelsThatOneAlone() {
        assertEquals(Set.of("eval"), Main.commandLine("eval", "-m", "model.safetensors").getSubcommands().keySet());
    }

    @Test
    void usageHelpAndMistakesSeeEveryCommand() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "eval"}, {"trian"}}) {
            assertEquals(ALL, List.copyOf(Main.commandLine(args).getSubcommands().keySet()), String.join(" ", args));
        }
        Cli usage = Cli.run();
        for (String command : ALL) {
            assertTrue(usage.out().contains("  " + command + " "), command + " in\n" + usage.out());
        }
        Cli misspelt = Cli.run("trian");
        assertEquals(2, misspelt.status(), misspelt.toString());
        assertTrue(misspelt.err().contains("Unmatched argument at index 0: 'trian'"), misspelt.err());
    }

    /** picocli prints an option's split pattern in its synopsis unless told a label: a regular expression is no help. */
    @Test
    void everyCommandsHelpShowsListsAsListsNotAsTheirSplitPattern() {
        for (String command : ALL.subList(0, ALL.size() - 1)) {
            Cli help = Cli.run(command, "--help");
            assertEquals(0, help.status(), help.toString());
            for (String pattern : List.of("(?", "[^", "\\)")) {
                assertTrue(!help.out().contains(pattern), command + " --help shows '" + pattern + "':\n" + help.out());
            }
        }
        assertTrue(Cli.run("train", "--help").out().contains("--activation=F[,F...]"));
    }

    /**
     * picocli wraps a description at 80 columns, so an example longer than that would go on at the
     * start of the next line, where a reader copying it would not take it for part of the command.
     */
    @Test
    void everyCommandsExamplesFitOnTheirLinesAndEndBeforeTheOptions() {
        int commandsWithExamples = 0;
        for (String command : ALL.subList(0, ALL.size() - 1)) {
            String out = Cli.run(command, "--help").out();
            int start = out.indexOf("Examples:\n");
            if (start < 0) {
                continue;
            }
            commandsWithExamples++;
            List<String> lines = out.substring(start).lines().skip(1).toList();
            int i = 0;
            for (; i < lines.size() && !lines.get(i).isEmpty(); i++) {
                assertTrue(lines.get(i).startsWith("  deltaprop ") || lines.get(i).startsWith("  zcat "),
                        command + " --help: an example wrapped onto '" + lines.get(i) + "'");
            }
            assertTrue(i < lines.size(), command + " --help: the examples run into the options");
        }
        assertTrue(commandsWithExamples >= 4, "commands with examples: " + commandsWithExamples);
    }

    @Test
    void aCommandAloneStillReportsErrorsAsTheWholeCommandLineDoes() {
        Cli r = Cli.run("eval", "-m", "no-such-model.safetensors", "--data", "no-such.csv");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().startsWith("deltaprop eval: error: "), r.err());
    }

    /**
     * Recurses until the stack overflows, as a reader descending into hostile nesting would. No input
     * does that now (the readers' JSON is depth-limited), so the test runs Main on this command.
     */
    @CommandLine.Command(name = "deep")
    static final class Deep implements Runnable {
        @Override
        public void run() {
            descend(0);
        }

        private static int descend(int depth) {
            return descend(depth + 1) + 1;
        }
    }

    @Test
    void aStackOverflowIsOneLineWithStatus1() {
        Cli r = Cli.capture(() -> Main.run(new CommandLine(new Deep())));
        assertEquals(1, r.status(), r.toString());
        assertEquals("deltaprop: error: an input nests too deeply to read (the stack overflowed); the file is corrupt "
                + "or hostile", r.err().strip());
    }

    /**
     * {@code --version} answers before picocli models a command: a fresh JVM's class-loading log shows
     * no command model, where {@code --help}, run the same way, builds one (so the log would show it).
     */
    @Test
    void versionModelsNoCommand() throws Exception {
        String model = "picocli.CommandLine$Model$CommandSpec ";
        for (String flag : new String[] {"--version", "-V"}) {
            List<String> log = classLoadLog(flag);
            assertTrue(log.stream().anyMatch(line -> line.startsWith("deltaprop ") && line.contains(", Java ")),
                    String.join("\n", log));
            assertTrue(log.stream().noneMatch(line -> line.contains(model)), flag + " modelled a command");
        }
        assertTrue(classLoadLog("--help").stream().anyMatch(line -> line.contains(model)), "--help models its commands");
        Cli version = Cli.run("--version");
        assertEquals(0, version.status(), version.toString());
        assertEquals(new Main.Version().getVersion()[0], version.out().strip());
    }

    /** What {@code deltaprop flag} prints in a JVM of its own, with every class it loads. */
    private static List<String> classLoadLog(String flag) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"), Main.class.getName(), flag)
                .redirectErrorStream(true).start();
        List<String> lines;
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertEquals(0, process.waitFor(), String.join("\n", lines));
        return lines;
    }
}
