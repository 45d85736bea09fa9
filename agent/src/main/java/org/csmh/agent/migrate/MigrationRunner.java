package org.csmh.agent.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.csmh.agent.command.SupervisedCommand;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;

/**
 * Runs `manage.py lms|cms migrate --database ALIAS --noinput --settings S` for each step, as
 * /edx/bin/edxapp-migrate-lms|cms do, one after the other, stopping at the first failure. The command line comes
 * from the config; DB_MIGRATION_USER/DB_MIGRATION_PASS go in the environment, never in argv or logs.
 *
 * <p>One run at a time on this agent (two migrates of one database at once race on django_migrations). A step that
 * outlives timeout_seconds, or is cancelled (the agent is stopping), is killed with everything it started
 * (manage.py's own children too), and the steps after it are reported as skipped rather than run. Whoever asked
 * for the run is not its owner: see {@link MigrationRun}.
 */
public final class MigrationRunner {
    private static final Logger LOG = Logger.getLogger(MigrationRunner.class.getName());

    public enum Service { LMS, CMS }

    public record Step(Service service, String alias) {
        @Override
        public String toString() {
            return service.name().toLowerCase() + "/" + alias;
        }
    }

    /** Where a run's events go; called from the running thread. */
    public interface Listener {
        void started(Step step, String commandLine);

        void output(Step step, String line);

        /** @param skipped the requested steps that will not run because this one failed */
        void exited(Step step, int code, List<Step> skipped);
    }

    /** Set when the agent stops; the running step is killed and no other starts. */
    public static final class Cancellation {
        final SupervisedCommand.Cancellation command = new SupervisedCommand.Cancellation();

        public void cancel() {
            command.cancel();
        }

        public boolean cancelled() {
            return command.cancelled();
        }
    }

    private final MigrationConfig config;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private volatile String running = "";

    public MigrationRunner(MigrationConfig config) {
        this.config = config;
    }

    /** The documented order: lms then cms, each against default then student_module_history. */
    public List<Step> allSteps() {
        List<Step> out = new ArrayList<>();
        for (Service s : Service.values()) {
            for (String alias : config.aliases()) {
                out.add(new Step(s, alias));
            }
        }
        return out;
    }

    public void checkStep(Step step) {
        if (!config.aliases().contains(step.alias())) {
            throw new InvalidInputException("alias '" + step.alias() + "' is not one the agent migrates (" + String.join(", ", config.aliases()) + ")");
        }
    }

    /** Runs the steps in order; returns true when all exited 0. Refused while another run is in progress. */
    public boolean run(List<Step> steps, String dbUser, String dbPassword, Listener listener, Cancellation cancel)
            throws InterruptedException {
        steps.forEach(this::checkStep);
        if (!oneAtATime.tryLock()) {
            throw new PreconditionException("a migration run is in progress (" + running + "); one at a time: wait for it to end");
        }
        try {
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                running = "step " + step + " of " + steps;
                int code = cancel.cancelled() ? -1 : runOne(step, dbUser, dbPassword, listener, cancel);
                if (code != 0) {
                    List<Step> skipped = steps.subList(i + 1, steps.size());
                    if (!skipped.isEmpty()) {
                        listener.output(step, "not run after " + step + " failed: " + skipped);
                    }
                    listener.exited(step, code, List.copyOf(skipped));
                    return false;
                }
                listener.exited(step, 0, List.of());
            }
            return true;
        } finally {
            running = "";
            oneAtATime.unlock();
        }
    }

    /**
     * edx-platform's production settings copy DB_MIGRATION_USER/PASS/NAME/HOST/PORT/ENGINE into every database alias
     * but read_replica. The agent sets the first two on purpose; the others, left over in its environment or its
     * config's env, would point every alias (student_module_history too) at one database: CSMHE would be created in
     * edxapp. They are taken out of the child's environment; returns the names taken out.
     */
    static List<String> removeAliasOverrides(Map<String, String> env) {
        List<String> removed = new java.util.ArrayList<>();
        for (String name : List.of("DB_MIGRATION_NAME", "DB_MIGRATION_HOST", "DB_MIGRATION_PORT", "DB_MIGRATION_ENGINE")) {
            if (env.remove(name) != null) {
                removed.add(name);
            }
        }
        return removed;
    }

    private int runOne(Step step, String dbUser, String dbPassword, Listener listener, Cancellation cancel) throws InterruptedException {
        List<String> cmd = List.of(config.python().toString(), config.managePy().toString(), step.service().name().toLowerCase(),
                "migrate", "--database", step.alias(), "--noinput", "--settings", config.settings());
        Map<String, String> env = new java.util.LinkedHashMap<>(config.env());
        env.put("EDX_PLATFORM_SETTINGS", config.settings());
        // Output is streamed to the caller as it comes: Python must not hold it in a buffer until exit.
        env.put("PYTHONUNBUFFERED", "1");
        if (dbUser != null && !dbUser.isEmpty()) {
            env.put("DB_MIGRATION_USER", dbUser);
            env.put("DB_MIGRATION_PASS", dbPassword == null ? "" : dbPassword);
        }
        SupervisedCommand command = new SupervisedCommand(cmd, config.workdir(), env, config.timeoutSeconds());
        List<String> removed = new ArrayList<>();
        String line = command.commandLine();
        listener.started(step, line);
        SupervisedCommand.Exit exit = command.run(child -> {
            removed.addAll(removeAliasOverrides(child));
            LOG.info("event=migration_started step=" + step + " command=\"" + line + "\"" + (removed.isEmpty() ? "" : " removed_env=" + String.join(",", removed)));
            if (!removed.isEmpty()) {
                listener.output(step, "removed " + String.join(", ", removed) + " from the environment: edx-platform's production settings apply"
                        + " them to every database alias but read_replica, so they would point " + step.alias() + " at another database"
                        + " (the CSMH alias at edxapp)");
            }
            return child;
        }, out -> masked(out, dbPassword), shown -> {
            // In the agent's log too: a run whose caller left is read there.
            LOG.info("event=migration_output step=" + step + " line=\"" + shown.replace("\"", "'") + "\"");
            listener.output(step, shown);
        }, cancel.command, "migrate-output-" + step);
        if (exit.timedOut()) {
            listener.output(step, "(killed with every process it started after " + config.timeoutSeconds() + " s: migrations.timeout_seconds)");
        } else if (exit.cancelled()) {
            listener.output(step, "(killed with every process it started: the agent is stopping)");
        }
        LOG.info("event=migration_exited step=" + step + " exit_code=" + exit.code() + (exit.timedOut() ? " timed_out=true" : "")
                + (exit.cancelled() ? " cancelled=true" : ""));
        return exit.effectiveCode();
    }

    /**
     * The line without the migration password, which may be the agent's own (from lms.yml) and so one the caller
     * never saw: a traceback or a connection error could print it. Passwords shorter than four characters are left:
     * masking one would garble every line and hide nothing worth hiding.
     */
    static String masked(String line, String password) {
        return password == null || password.length() < 4 ? line : line.replace(password, "********");
    }
}
