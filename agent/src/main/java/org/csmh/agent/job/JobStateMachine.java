package org.csmh.agent.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;

/**
 * The one owner of a job's state. Every transition (start, pause, resume, retry-wait, cancel, succeed, fail), every
 * pace change and every progress update goes through here under one lock, so a check and the change it leads to
 * can never be split by another thread. The rules:
 * <ul>
 *   <li>SUCCEEDED, FAILED and CANCELLED are final: control calls on a finished job are refused, and late progress
 *       or retry notices from its runner are ignored.</li>
 *   <li>Cancel is a request: the runner stops at its next check and then the job ends CANCELLED.</li>
 *   <li>Each new snapshot is saved first (always on a state change, at most once a second for progress), then
 *       handed to every watcher, in order. A snapshot that cannot be saved fails the job: watchers are told, the
 *       runner gets {@link RecordNotSaved}, and a finished job always reaches its watchers.</li>
 * </ul>
 * The runner also waits through this object (pause, sleeps between chunks), so a control call wakes it at once.
 */
public final class JobStateMachine {
    private static final Logger LOG = Logger.getLogger(JobStateMachine.class.getName());
    private static final long SAVE_EVERY_NANOS = 1_000_000_000L;

    /** Persists a snapshot; throws when it cannot. */
    public interface Saver {
        void save(Job job);
    }

    /** The job's record could not be saved: the job has been failed, and its runner must stop. */
    public static final class RecordNotSaved extends RuntimeException {
        RecordNotSaved(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Saver saver;
    private final List<Consumer<Job>> watchers = new ArrayList<>();
    private Job snapshot;
    private boolean started;
    private boolean cancelRequested;
    private long lastSaveNanos;

    public JobStateMachine(Job initial, Saver saver) {
        this.snapshot = initial;
        this.saver = saver;
    }

    public static boolean isTerminal(JobState s) {
        return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED;
    }

    public Job snapshot() {
        lock.lock();
        try {
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    public boolean terminal() {
        return isTerminal(snapshot().getState());
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    /** The runner begins (or begins again after a restart): RUNNING, or PAUSED if a pause is pending. False when finished. */
    public boolean start() {
        lock.lock();
        try {
            if (terminal0()) {
                return false;
            }
            started = true;
            JobState s = snapshot.getState() == JobState.JOB_STATE_PAUSED ? JobState.JOB_STATE_PAUSED : JobState.JOB_STATE_RUNNING;
            publish(b -> b.setState(s).setAttempts(b.getAttempts() + 1).setError(""));
            return true;
        } finally {
            lock.unlock();
        }
    }

    public Job pause() {
        return control("pause", b -> b.setState(JobState.JOB_STATE_PAUSED));
    }

    /** PAUSED becomes RUNNING (PENDING if the runner has not started yet); a running job stays as it is. */
    public Job resume() {
        return control("resume", b -> b.getState() != JobState.JOB_STATE_PAUSED ? b
                : b.setState(started ? JobState.JOB_STATE_RUNNING : JobState.JOB_STATE_PENDING));
    }

    /** Asks the runner to stop; the job ends CANCELLED when it has. */
    public Job cancel() {
        lock.lock();
        try {
            refuseIfFinished("cancel");
            cancelRequested = true;
            changed.signalAll();
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    public Job setPace(UnaryOperator<Pace> change) {
        return control("retune", b -> b.setPace(change.apply(b.getPace())));
    }

    /** The runner waits out a database error; ignored once the job has finished. */
    public void retryWait(String reason) {
        lock.lock();
        try {
            if (!terminal0()) {
                publish(b -> b.setThrottleReason(reason).setRowsPerSecond(0).setAttempts(b.getAttempts() + 1)
                        .setThrottle(org.csmh.proto.v1.Throttle.newBuilder().setCause(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_DATABASE_ERROR)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The runner returned: CANCELLED if a cancel was asked for, else SUCCEEDED. A finished job stays as it is. */
    public Job finish() {
        lock.lock();
        try {
            if (!terminal0()) {
                JobState end = cancelRequested ? JobState.JOB_STATE_CANCELLED : JobState.JOB_STATE_SUCCEEDED;
                end(b -> b.setState(end).setThrottleReason("").setEtaSeconds(end == JobState.JOB_STATE_SUCCEEDED ? 0 : -1));
            }
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    /** The runner failed; a finished job stays as it is. */
    public Job fail(String error) {
        lock.lock();
        try {
            if (!terminal0()) {
                end(b -> b.setState(JobState.JOB_STATE_FAILED).setError(error).setThrottleReason("").setEtaSeconds(-1));
            }
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Progress from the runner (counters, throttle reason, range end). It cannot change the state or the pace, and
     * is ignored once the job has finished.
     */
    public Job progress(UnaryOperator<Job.Builder> change) {
        return progress(change, false);
    }

    /** Progress that a restart must see: saved at once, whatever the time since the last save. */
    public Job checkpoint(UnaryOperator<Job.Builder> change) {
        return progress(change, true);
    }

    private Job progress(UnaryOperator<Job.Builder> change, boolean saveNow) {
        lock.lock();
        try {
            if (!terminal0()) {
                publish(saveNow, b -> {
                    JobState state = b.getState();
                    Pace pace = b.getPace();
                    return change.apply(b).setState(state).setPace(pace);
                });
            }
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    // ---- what the runner asks ----------------------------------------------------------------------------------

    public Pace pace() {
        return snapshot().getPace();
    }

    public boolean cancelled() {
        lock.lock();
        try {
            return cancelRequested;
        } finally {
            lock.unlock();
        }
    }

    public boolean paused() {
        return snapshot().getState() == JobState.JOB_STATE_PAUSED;
    }

    /** Blocks while paused; returns false when cancelled. */
    public boolean awaitRunnable() throws InterruptedException {
        lock.lock();
        try {
            while (snapshot.getState() == JobState.JOB_STATE_PAUSED && !cancelRequested) {
                changed.await();
            }
            return !cancelRequested;
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps up to {@code millis}, waking early on a pause, a pace change or a cancel; false when cancelled. */
    public boolean sleep(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        lock.lock();
        try {
            Job before = snapshot;
            long left;
            while (!cancelRequested && snapshot.getState() != JobState.JOB_STATE_PAUSED && snapshot.getPace().equals(before.getPace())
                    && (left = deadline - System.nanoTime()) > 0) {
                changed.awaitNanos(left);
            }
            return !cancelRequested;
        } finally {
            lock.unlock();
        }
    }

    // ---- watchers ----------------------------------------------------------------------------------------------

    /** Adds a watcher (which must not block), gives it the current snapshot first; returns how to remove it. */
    public Runnable watch(Consumer<Job> watcher) {
        lock.lock();
        try {
            watcher.accept(snapshot);
            if (!terminal0()) {
                watchers.add(watcher);
            }
        } finally {
            lock.unlock();
        }
        return () -> {
            lock.lock();
            try {
                watchers.remove(watcher);
            } finally {
                lock.unlock();
            }
        };
    }

    // ---- inside the lock ---------------------------------------------------------------------------------------

    private boolean terminal0() {
        return isTerminal(snapshot.getState());
    }

    private void refuseIfFinished(String action) {
        if (terminal0()) {
            throw new PreconditionException("cannot " + action + " job " + snapshot.getId() + ": it is already "
                    + snapshot.getState().name().replace("JOB_STATE_", ""));
        }
    }

    private Job control(String action, UnaryOperator<Job.Builder> change) {
        lock.lock();
        try {
            refuseIfFinished(action);
            publish(change);
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    /** A terminal transition: if its record cannot be saved, the job still ends (FAILED, saying why) for its watchers. */
    private void end(UnaryOperator<Job.Builder> change) {
        try {
            publish(change);
        } catch (RecordNotSaved | JobStore.SaveInterrupted e) {
            // publish() already failed the job and told the watchers; the runner is done anyway.
        }
    }

    /** Save, then notify, in that order, always under the lock. */
    private void publish(UnaryOperator<Job.Builder> change) {
        publish(false, change);
    }

    private void publish(boolean saveNow, UnaryOperator<Job.Builder> change) {
        Job before = snapshot;
        Job.Builder b = change.apply(before.toBuilder()).setUpdatedAt(Instant.now().toString());
        if (b.getThrottleReason().isEmpty()) {
            // The typed cause goes with the words: every place that clears the reason clears it.
            b.clearThrottle();
        }
        if (isTerminal(b.getState()) && b.getFinishedAt().isEmpty()) {
            b.setFinishedAt(Instant.now().toString());
        }
        Job next = b.build();
        if (next.toBuilder().setUpdatedAt(before.getUpdatedAt()).build().equals(before)) {
            // Nothing a restart or a watcher could see changed (a resumed copy's first checkpoint on a fresh job, a
            // throttle reason cleared twice): no write to disk, no event.
            return;
        }
        boolean stateChanged = before.getState() != next.getState() || !before.getPace().equals(next.getPace());
        long now = System.nanoTime();
        RecordNotSaved failure = null;
        if (saveNow || stateChanged || now - lastSaveNanos > SAVE_EVERY_NANOS) {
            try {
                saver.save(next);
                lastSaveNanos = now;
            } catch (JobStore.SaveInterrupted e) {
                throw e; // the agent is stopping: the job keeps its last saved state and resumes on restart
            } catch (RuntimeException e) {
                String why = "cannot save the job record: " + (e.getMessage() == null ? e.toString() : e.getMessage());
                LOG.log(Level.SEVERE, "event=job_record_not_saved id=" + next.getId() + " reason=\"" + why + "\"", e);
                next = next.toBuilder().setState(JobState.JOB_STATE_FAILED).setError(why).setThrottleReason("").setEtaSeconds(-1)
                        .setFinishedAt(next.getFinishedAt().isEmpty() ? Instant.now().toString() : next.getFinishedAt()).build();
                failure = new RecordNotSaved(why, e);
                trySave(next);
            }
        }
        snapshot = next;
        changed.signalAll();
        for (Consumer<Job> w : List.copyOf(watchers)) {
            w.accept(next);
        }
        if (terminal0()) {
            watchers.clear();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void trySave(Job job) {
        try {
            saver.save(job);
        } catch (RuntimeException again) {
            LOG.severe("event=job_record_not_saved id=" + job.getId() + " state=" + job.getState()
                    + " reason=\"the failed state could not be saved either; a restart resumes the job from its last saved record\"");
        }
    }
}
