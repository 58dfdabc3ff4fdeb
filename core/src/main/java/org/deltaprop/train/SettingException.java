package org.deltaprop.train;

/**
 * A setting of a {@link Training} that cannot work: {@link #setting} is its name as the builder
 * method spells it ("epochs", "validation", "dropout"), {@link #problem} what is wrong with it and
 * the fix. The message is the two together; a front end that calls the setting something else (a
 * command-line option) puts its own name before the problem.
 */
public final class SettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String problem;

    public SettingException(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
        this.problem = problem;
    }

    public String setting() {
        return setting;
    }

    public String problem() {
        return problem;
    }
}
