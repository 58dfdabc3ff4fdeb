package org.deltaprop.cli;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Where {@link System.Logger} messages go in the command: one line each on standard error, as
 * {@code deltaprop: message}. Deltaprop's own loggers show INFO and above (the backend's choice,
 * the store reader's mode), everyone else's WARNING and above. Installed as the JVM's logger
 * finder (META-INF/services) because the default, java.util.logging, cost 65-75 ms of CPU at the
 * first message, a sixth of a small command's run: it reads its configuration and loads the
 * time-zone rules to format a date that the line does not show.
 */
public final class ConsoleLoggerFinder extends System.LoggerFinder {

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new ConsoleLogger(name, name.startsWith("org.deltaprop") ? System.Logger.Level.INFO
                : System.Logger.Level.WARNING);
    }

    private record ConsoleLogger(String name, System.Logger.Level threshold) implements System.Logger {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF && level.getSeverity() >= threshold.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (isLoggable(level)) {
                print(localized(bundle, message) + (thrown == null ? "" : ": " + thrown));
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... parameters) {
            if (isLoggable(level)) {
                String pattern = localized(bundle, format);
                print(parameters == null || parameters.length == 0 ? pattern : MessageFormat.format(pattern, parameters));
            }
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            if (isLoggable(level)) {
                print(message.get());
            }
        }

        private static String localized(ResourceBundle bundle, String key) {
            return bundle != null && key != null && bundle.containsKey(key) ? bundle.getString(key) : key;
        }

        private static void print(String line) {
            PrintStream err = System.err;
            err.println("deltaprop: " + line);
        }
    }
}
