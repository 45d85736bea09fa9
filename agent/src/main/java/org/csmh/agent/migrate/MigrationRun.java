package org.csmh.agent.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One run of manage.py migrate steps, on a thread of its own, apart from whoever asked for it: a caller that goes
 * away (Ctrl-C, a dropped SSH session) leaves it running, because a migration killed half way can leave MySQL's
 * schema half changed (DDL is not transactional: a table created, its migration not recorded, and the next migrate
 * fails on it). Its events are kept in order, so every caller that follows it (the one that started it, or one
 * that asks again for the same steps) sees them all from the first, then each as it comes, to its end.
 */
final class MigrationRun implements MigrationRunner.Listener {
    private static final Logger LOG = Logger.getLogger(MigrationRun.class.getName());
    /** Events kept for followers; manage.py migrate prints a line or two per migration, so this is a runaway's bound. */
    static final int MAX_EVENTS = 20_000;
    private final List<MigrationRunner.Step> steps;
    private final MigrationRunner.Cancellation cancellation = new MigrationRunner.Cancellation();
    private final List<Consumer<MigrationRunner.Listener>> events = new ArrayList<>();
    private long dropped;
    /** The step started last; null before the first. */
    private MigrationRunner.Step step;
    private boolean ended;
    private RuntimeException failure;

    MigrationRun(List<MigrationRunner.Step> steps) {
        this.steps = List.copyOf(steps);
    }

    List<MigrationRunner.Step> steps() {
        return steps;
    }

    /** Runs the steps to their end (or to the first failure); called on the run's own thread. */
    void execute(MigrationRunner runner, String user, String password) {
        try {
            runner.run(steps, user, password, this, cancellation);
        } catch (RuntimeException e) {
            synchronized (this) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    synchronized boolean ended() {
        return ended;
    }

    /** {@code lms/default (1 of 4: [lms/default, ...])}. */
    synchronized String describe() {
        return step == null ? "starting " + steps : step + " (" + (steps.indexOf(step) + 1) + " of " + steps.size() + ": " + steps + ")";
    }

    /** Kills the running step with everything it started (the agent is stopping); waits up to {@code millis} for the end. */
    void kill(long millis) throws InterruptedException {
        cancellation.cancel();
        long deadline = System.currentTimeMillis() + millis;
        synchronized (this) {
            while (!ended && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
    }

    /**
     * Hands every event of the run to {@code to}, from the first, until the run ends (then rethrows what stopped it
     * from running at all) or {@code callerGone} says the caller left (then returns, and the run goes on). Events
     * are handed over outside the lock: a slow caller never holds up the run.
     */
    void follow(MigrationRunner.Listener to, BooleanSupplier callerGone) throws InterruptedException {
        int next = 0;
        while (true) {
            List<Consumer<MigrationRunner.Listener>> batch;
            boolean done;
            synchronized (this) {
                while (next == events.size() && !ended && !callerGone.getAsBoolean()) {
                    wait(250);
                }
                if (callerGone.getAsBoolean()) {
                    LOG.info("event=migration_caller_left steps=" + steps + " ended=" + ended
                            + (ended ? "" : " the run goes on; RunMigrations with the same steps follows it"));
                    return;
                }
                batch = new ArrayList<>(events.subList(next, events.size()));
                next = events.size();
                done = ended;
            }
            batch.forEach(e -> e.accept(to));
            if (done) {
                synchronized (this) {
                    if (failure != null) {
                        throw failure;
                    }
                }
                return;
            }
        }
    }

    @Override
    public void started(MigrationRunner.Step step, String commandLine) {
        synchronized (this) {
            this.step = step;
        }
        add(l -> l.started(step, commandLine), false);
    }

    @Override
    public void output(MigrationRunner.Step step, String line) {
        add(l -> l.output(step, line), true);
    }

    @Override
    public void exited(MigrationRunner.Step step, int code, List<MigrationRunner.Step> skipped) {
        synchronized (this) {
            if (dropped > 0) {
                long n = dropped;
                dropped = 0;
                events.add(l -> l.output(step, "(" + n + " lines of output not kept: a run keeps " + MAX_EVENTS + " events)"));
            }
        }
        add(l -> l.exited(step, code, skipped), false);
    }

    private synchronized void add(Consumer<MigrationRunner.Listener> event, boolean droppable) {
        if (droppable && events.size() >= MAX_EVENTS) {
            dropped++;
            return;
        }
        events.add(event);
        notifyAll();
    }
}
