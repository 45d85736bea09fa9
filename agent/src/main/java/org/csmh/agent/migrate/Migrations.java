package org.csmh.agent.migrate;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.util.PreconditionException;
import org.csmh.agent.util.Unsigned;

/**
 * RunMigrations as the agent decides it: the configured manage.py commands (all of them unless steps are named),
 * with DB_MIGRATION_USER/PASS from the request or else the agent's migrate endpoint; or, without Django, CSMHE
 * created the way migration 0001 means to, its AUTO_INCREMENT max(CSMH.id) + offset.
 *
 * <p>The commands run apart from the caller ({@link MigrationRun}): one that leaves does not stop them, and a call
 * for the same steps while they run follows them (from their first line) instead of being refused; a call for other
 * steps is refused until they end.
 */
public final class Migrations implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
    static final long DEFAULT_OFFSET = 10_000;
    static final long MAX_OFFSET = 1_000_000_000L;
    private static final MigrationRunner.Step CSMHE_STEP = new MigrationRunner.Step(MigrationRunner.Service.LMS, "student_module_history");
    private final MigrationRunner runner;
    private final TableCreator tables;
    private final JobEnvironment env;
    /** The last run of commands (running or ended); guarded by this. */
    private MigrationRun current;
    /** Set when the agent stops: no run starts after that (it would outlive the agent). Guarded by this. */
    private boolean closed;

    /** What was asked: steps (empty = all configured), credentials (empty = the migrate endpoint's), or no Django. */
    public record Request(List<MigrationRunner.Step> steps, String user, String password, boolean withoutDjango, long autoIncrementOffset) {
    }

    /** Where a run's events go, in order; called from the calling thread, even for commands run on their own thread. */
    public interface Listener extends MigrationRunner.Listener {
        /** The last event of a run without Django: whether CSMHE was created. */
        void created(MigrationRunner.Step step, boolean changed);

        /** Before any event: this call follows a run an earlier call started. */
        void following();
    }

    public Migrations(MigrationRunner runner, TableCreator tables, JobEnvironment env) {
        this.runner = runner;
        this.tables = tables;
        this.env = env;
    }

    /**
     * Runs (or follows) what {@code r} asks, handing its events to {@code listener} until it ends or
     * {@code callerGone}; the commands go on without the caller.
     */
    public void run(Request r, Listener listener, BooleanSupplier callerGone) throws InterruptedException {
        if (r.withoutDjango()) {
            // Under the lock a run of commands starts under: none starts while the table is being created, and none
            // is running when the check passes (the commands may be creating CSMHE this moment).
            synchronized (this) {
                if (current != null && !current.ended()) {
                    throw new PreconditionException("a migration run is in progress: " + current.describe() + "; create the table without"
                            + " Django once it has ended, if it is still missing");
                }
                createWithoutDjango(r.autoIncrementOffset(), listener);
            }
            return;
        }
        List<MigrationRunner.Step> steps = r.steps();
        steps.forEach(runner::checkStep);
        if (steps.isEmpty()) {
            steps = runner.allSteps();
        }
        String user = r.user();
        String password = r.password();
        if (user.isEmpty() && env.hasEndpoint("migrate")) {
            Endpoint m = env.endpoint("migrate");
            user = m.user();
            password = m.password();
        }
        runOrFollow(steps, user, password, listener).follow(listener, callerGone);
    }

    private synchronized MigrationRun runOrFollow(List<MigrationRunner.Step> steps, String user, String password, Listener listener) {
        if (closed) {
            throw new PreconditionException("the agent is stopping; run the migrations once it is back");
        }
        if (current != null && !current.ended()) {
            if (!current.steps().equals(steps)) {
                throw new PreconditionException("a migration run is in progress: " + current.describe() + "; one at a time: wait for it to"
                        + " end, or ask for the same steps to follow it");
            }
            LOG.info("event=migration_followed steps=" + steps);
            listener.following();
            return current;
        }
        MigrationRun run = new MigrationRun(steps);
        current = run;
        Thread t = new Thread(() -> run.execute(runner, user, password), "migrate-run");
        t.start();
        return run;
    }

    /** The run of commands in progress, described (its step and all of its steps); empty when none is. */
    public synchronized Optional<String> inProgress() {
        return current == null || current.ended() ? Optional.empty() : Optional.of(current.describe());
    }

    /** The agent is stopping: a step still running is killed with everything it started. */
    @Override
    public void close() throws InterruptedException {
        MigrationRun run;
        synchronized (this) {
            closed = true;
            run = current;
        }
        if (run != null && !run.ended()) {
            LOG.warning("event=migration_killed steps=" + run.steps() + " reason=\"the agent is stopping\"");
            run.kill(10_000);
        }
    }

    private void createWithoutDjango(long requestedOffset, Listener listener) {
        long offset = requestedOffset == 0 ? DEFAULT_OFFSET : Unsigned.atMost(requestedOffset, MAX_OFFSET, "auto_increment_offset");
        MigrationRunner.Step step = CSMHE_STEP;
        listener.started(step, "create CSMHE as coursewarehistoryextended 0001 does (offset " + offset + ")");
        List<String> notes = new java.util.ArrayList<>();
        List<String> ran = tables.create(env.source(), env.ddl(), offset, notes);
        ran.forEach(sql -> listener.output(step, sql));
        notes.forEach(note -> listener.output(step, "not done: " + note));
        if (ran.isEmpty() && notes.isEmpty()) {
            listener.output(step, "table exists and its migrations are recorded; nothing to do");
        }
        listener.created(step, !ran.isEmpty());
    }
}
