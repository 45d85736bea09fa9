package org.csmh.agent.migrate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;

/**
 * Runs `manage.py lms|cms migrate --database ALIAS --noinput --settings S` for each step, as
 * /edx/bin/edxapp-migrate-lms|cms do, one after the other, stopping at the first failure. The command line comes
 * from the config; DB_MIGRATION_USER/DB_MIGRATION_PASS go in the environment, never in argv or logs.
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

        void exited(Step step, int code);
    }

    private final MigrationConfig config;

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

    /** Runs the steps in order; returns true when all exited 0. */
    public boolean run(List<Step> steps, String dbUser, String dbPassword, Listener listener) throws InterruptedException {
        steps.forEach(this::checkStep);
        for (Step step : steps) {
            int code = runOne(step, dbUser, dbPassword, listener);
            if (code != 0) {
                return false;
            }
        }
        return true;
    }

    private int runOne(Step step, String dbUser, String dbPassword, Listener listener) throws InterruptedException {
        List<String> cmd = List.of(config.python().toString(), config.managePy().toString(), step.service().name().toLowerCase(),
                "migrate", "--database", step.alias(), "--noinput", "--settings", config.settings());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (config.workdir() != null && config.workdir().toFile().isDirectory()) {
            pb.directory(config.workdir().toFile());
        }
        Map<String, String> env = pb.environment();
        env.putAll(config.env());
        env.put("EDX_PLATFORM_SETTINGS", config.settings());
        if (dbUser != null && !dbUser.isEmpty()) {
            env.put("DB_MIGRATION_USER", dbUser);
            env.put("DB_MIGRATION_PASS", dbPassword == null ? "" : dbPassword);
        }
        String line = String.join(" ", cmd);
        LOG.info("event=migration_started step=" + step + " command=\"" + line + "\"");
        listener.started(step, line);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PreconditionException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String out = r.readLine(); out != null; out = r.readLine()) {
                listener.output(step, out);
            }
        } catch (IOException e) {
            listener.output(step, "(output unreadable: " + e.getMessage() + ")");
        }
        if (!p.waitFor(config.timeoutSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            listener.output(step, "(killed after " + config.timeoutSeconds() + " s)");
        }
        int code = p.waitFor();
        LOG.info("event=migration_exited step=" + step + " exit_code=" + code);
        listener.exited(step, code);
        return code;
    }
}
