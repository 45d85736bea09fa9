package org.csmh.agent.migrate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
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
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile Runnable onCancel = () -> { };

        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                onCancel.run();
            }
        }

        public boolean cancelled() {
            return cancelled.get();
        }

        void onCancel(Runnable r) {
            onCancel = r;
            if (cancelled.get()) {
                r.run();
            }
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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (config.workdir() != null && config.workdir().toFile().isDirectory()) {
            pb.directory(config.workdir().toFile());
        }
        Map<String, String> env = pb.environment();
        env.putAll(config.env());
        env.put("EDX_PLATFORM_SETTINGS", config.settings());
        // Output is streamed to the caller as it comes: Python must not hold it in a buffer until exit.
        env.put("PYTHONUNBUFFERED", "1");
        if (dbUser != null && !dbUser.isEmpty()) {
            env.put("DB_MIGRATION_USER", dbUser);
            env.put("DB_MIGRATION_PASS", dbPassword == null ? "" : dbPassword);
        }
        List<String> removed = removeAliasOverrides(env);
        String line = String.join(" ", cmd);
        LOG.info("event=migration_started step=" + step + " command=\"" + line + "\"" + (removed.isEmpty() ? "" : " removed_env=" + String.join(",", removed)));
        listener.started(step, line);
        if (!removed.isEmpty()) {
            listener.output(step, "removed " + String.join(", ", removed) + " from the environment: edx-platform's production settings apply"
                    + " them to every database alias but read_replica, so they would point " + step.alias() + " at another database"
                    + " (the CSMH alias at edxapp)");
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PreconditionException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        cancel.onCancel(() -> killTree(p));
        // The reader runs on its own thread so the deadline holds even when the child prints nothing, or its
        // grandchildren keep the pipe open after it exits.
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String out = r.readLine(); out != null; out = r.readLine()) {
                    String shown = masked(out, dbPassword);
                    // In the agent's log too: a run whose caller left is read there.
                    LOG.info("event=migration_output step=" + step + " line=\"" + shown.replace("\"", "'") + "\"");
                    listener.output(step, shown);
                }
            } catch (IOException e) {
                // the pipe closes when the tree is killed: nothing more to read
            }
        }, "migrate-output-" + step);
        reader.setDaemon(true);
        reader.start();
        try {
            boolean ended = p.waitFor(config.timeoutSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                killTree(p);
            }
            int code = p.waitFor();
            reader.join(TimeUnit.SECONDS.toMillis(5));
            boolean cancelled = cancel.cancelled();
            if (!ended) {
                listener.output(step, "(killed with every process it started after " + config.timeoutSeconds() + " s: migrations.timeout_seconds)");
            } else if (cancelled) {
                listener.output(step, "(killed with every process it started: the agent is stopping)");
            }
            LOG.info("event=migration_exited step=" + step + " exit_code=" + code + (ended ? "" : " timed_out=true")
                    + (cancelled ? " cancelled=true" : ""));
            return code == 0 && (!ended || cancelled) ? -1 : code;
        } catch (InterruptedException e) {
            killTree(p);
            throw e;
        } finally {
            cancel.onCancel(() -> { });
        }
    }

    /**
     * The line without the migration password, which may be the agent's own (from lms.yml) and so one the caller
     * never saw: a traceback or a connection error could print it. Passwords shorter than four characters are left:
     * masking one would garble every line and hide nothing worth hiding.
     */
    static String masked(String line, String password) {
        return password == null || password.length() < 4 ? line : line.replace(password, "********");
    }

    /** Kills the process and all its descendants, deepest first, so none is left to reparent and run on. */
    static void killTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.sort(Comparator.comparingInt(h -> -depth(h, p.pid())));
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        // Whatever started while we were killing.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
    }

    private static int depth(ProcessHandle h, long root) {
        int d = 0;
        for (var x = h.parent(); x.isPresent() && x.get().pid() != root && d < 64; x = x.get().parent()) {
            d++;
        }
        return d;
    }
}
