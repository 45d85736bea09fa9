package org.csmh.agent.job;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.JobState;

/**
 * One job at run time: its latest snapshot (a csmh.v1.Job), its control knobs and its watchers. Snapshots are
 * immutable; every update makes a new one, hands it to each watcher (which must not block) and, at most once a
 * second unless the state changed, saves the record.
 */
public final class JobHandle {
    private final JobStore store;
    private final JobRecord spec;
    private final JobControl control;
    private final List<Consumer<Job>> watchers = new CopyOnWriteArrayList<>();
    private volatile Job snapshot;
    private long lastSaveNanos;

    JobHandle(JobStore store, JobRecord record, JobControl control) {
        this.store = store;
        this.spec = record;
        this.control = control;
        this.snapshot = record.getJob();
    }

    public Job snapshot() {
        return snapshot;
    }

    public JobRecord spec() {
        return spec;
    }

    public JobControl control() {
        return control;
    }

    public String id() {
        return snapshot.getId();
    }

    public boolean terminal() {
        return isTerminal(snapshot.getState());
    }

    /** SUCCEEDED, FAILED or CANCELLED: the job will not run again. */
    public static boolean isTerminal(JobState s) {
        return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED;
    }

    /** Applies a change, publishes the new snapshot, saves it (throttled for progress-only changes). */
    public Job update(UnaryOperator<Job.Builder> change) {
        Job next;
        boolean stateChanged;
        synchronized (this) {
            Job before = snapshot;
            Job.Builder b = change.apply(before.toBuilder()).setUpdatedAt(Instant.now().toString()).setPace(control.pace());
            if (isTerminal(b.getState()) && b.getFinishedAt().isEmpty()) {
                b.setFinishedAt(Instant.now().toString());
            }
            next = b.build();
            snapshot = next;
            stateChanged = before.getState() != next.getState() || isTerminal(next.getState());
            long now = System.nanoTime();
            if (stateChanged || now - lastSaveNanos > 1_000_000_000L) {
                store.save(spec.toBuilder().setJob(next).build());
                lastSaveNanos = now;
            }
            // Inside the lock so every watcher sees snapshots in order; watchers must not block.
            for (Consumer<Job> w : watchers) {
                w.accept(next);
            }
        }
        return next;
    }

    /** Adds a watcher and gives it the current snapshot first. */
    public synchronized Runnable watch(Consumer<Job> watcher) {
        watchers.add(watcher);
        watcher.accept(snapshot);
        return () -> watchers.remove(watcher);
    }
}
