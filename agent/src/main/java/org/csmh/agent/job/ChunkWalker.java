package org.csmh.agent.job;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.csmh.proto.v1.Pace;

/**
 * Walks an id range in chunks for copy, verify and purge alike. {@link #next()} hands out the next chunk after
 * honouring pause, cancel, the pace (sleep, rate cap, auto-sized chunks) and the throttler; {@link #completed}
 * records a finished chunk and publishes progress. Chunks are handed out in order and must complete in order,
 * so "every id up to current_id is done" holds at every moment. A pipelined caller may ask for the next chunk
 * before the previous one completed.
 */
public final class ChunkWalker {
    private static final int MIN_CHUNK = 100;
    private static final int MAX_CHUNK = 1_000_000;

    private final JobHandle job;
    private final JobStateMachine control;
    private final Supplier<ThrottleState> throttle;
    private final Guard guard;
    private final long first;
    // A pipelined copier calls next() on its reader thread and completed() on the writer thread.
    private volatile long last;
    private volatile long issuedThrough;
    private volatile long doneThrough;
    private long chunkSize;
    private volatile long lastChunkNanos;
    private volatile long lastCompletedAt;
    private volatile java.util.concurrent.Future<ThrottleState> prefetched;
    private volatile long rowsThisRun;
    private final long runStartedAt = System.nanoTime();
    private final IdRateMeter ids = new IdRateMeter(System.nanoTime());

    /**
     * The first id at or after a given one that holds a row in a table the job reads, or none: asked before each chunk
     * on the thread that asks for chunks, so it may use a connection that thread alone uses between chunks.
     */
    public interface IdSeeker {
        OptionalLong firstAtOrAfter(long id) throws Exception;
    }

    private volatile IdSeeker seeker;
    /** The throttle says wait: the writes are held until it says go. */
    private volatile boolean throttled;

    /** Checked before every chunk; throws to stop the walk (e.g. the fleet lock is gone). */
    public interface Guard {
        void check() throws Exception;
    }

    public ChunkWalker(JobHandle job, long first, long last, long doneThrough, Supplier<ThrottleState> throttle) {
        this(job, first, last, doneThrough, throttle, () -> { });
    }

    /**
     * @param doneThrough every id up to here is already done (first - 1 for a fresh start)
     * @param throttle    returns why to wait now, or null
     * @param guard       must hold before each chunk is handed out
     */
    public ChunkWalker(JobHandle job, long first, long last, long doneThrough, Supplier<ThrottleState> throttle, Guard guard) {
        this.job = job;
        this.guard = guard;
        this.control = job.control();
        this.throttle = throttle;
        this.first = first;
        this.last = last;
        this.doneThrough = Math.max(doneThrough, first - 1);
        this.issuedThrough = this.doneThrough;
        this.chunkSize = control.pace().getChunkSize();
    }

    /**
     * Folds holes in the ids into the chunk before them: each chunk ends {@code chunk_size} ids after the first id that
     * holds a row, instead of that many ids after the last chunk. Ids are not dense: InnoDB's bulk inserts and rolled
     * back transactions leave gaps, Galera clusters hand out every n-th id, an AUTO_INCREMENT raised by hand or ranges
     * deleted by an earlier clean-up leave holes of any size, and walking a hole of a hundred million ids at the
     * seed's pace (10,000 ids, 2 s apart) would take five and a half hours of empty statements. On dense ids every
     * chunk is what it was, at the cost of one primary-key lookup. Null walks ids as they come.
     */
    public void seekWith(IdSeeker seeker) {
        this.seeker = seeker;
    }

    public long doneThrough() {
        return doneThrough;
    }

    public long last() {
        return last;
    }

    /** Grows the range (catch-up pass over rows that arrived after the first max(id)). */
    public void extendTo(long newLast) {
        if (newLast > last) {
            last = newLast;
            job.progress(b -> b.setRangeEnd(newLast));
        }
    }

    /** The next chunk, or empty when the range is done or the job was cancelled. */
    public Optional<IdRange> next() throws Exception {
        if (issuedThrough >= last) {
            return Optional.empty();
        }
        if (!control.awaitRunnable()) {
            return Optional.empty();
        }
        if (!awaitPace()) {
            return Optional.empty();
        }
        return issue();
    }

    /**
     * For a pipelined caller's reader: the next chunk to read ahead, honouring pause and cancel but not the pace or
     * the throttle, which the writer applies with {@link #awaitPace()} before it writes the chunk (a reader one or
     * two chunks ahead would otherwise skip the pace at the start and check the throttle before the writes it is
     * about).
     */
    public Optional<IdRange> nextToRead() throws Exception {
        if (issuedThrough >= last || !control.awaitRunnable()) {
            return Optional.empty();
        }
        return issue();
    }

    /**
     * For work between chunks that is not a chunk (a copy's final recount reads both tables): waits out a pause and
     * the throttle, without the pace's sleep. False when the job was cancelled.
     */
    public boolean awaitThrottle() throws InterruptedException, JobFailure {
        return control.awaitRunnable() && waitOutThrottle();
    }

    /** The writes are held, not just busy: the job is paused, cancelled or throttled. */
    public boolean held() {
        return throttled || control.paused() || control.cancelled();
    }

    /** Whether the pace asks for a pause after each chunk (a sleep; auto-sized chunks have none). */
    public boolean pausesBetweenChunks() {
        return sleepMs(control.pace()) > 0;
    }

    /** The pace's sleep after each chunk: none where target_chunk_ms sizes the chunks instead. */
    private static long sleepMs(Pace pace) {
        return pace.getTargetChunkMs() > 0 ? 0 : pace.getSleepMs();
    }

    /** The pace's sleep since the last chunk, then the throttle; false when the job was cancelled meanwhile. */
    public boolean awaitPace() throws InterruptedException, JobFailure {
        long before = System.nanoTime();
        if (lastCompletedAt != 0 && !paceSleep()) {
            return false;
        }
        java.util.concurrent.Future<ThrottleState> early = prefetched;
        prefetched = null;
        // Without a pause between chunks, the reading taken while the last chunk was written stands in for a fresh
        // one, so the writer does not wait a round trip per chunk (on MySQL 8 SHOW GLOBAL STATUS is not cheap). Any
        // reading that says wait is followed by fresh ones.
        if (early != null && System.nanoTime() - before < 1_000_000) {
            try {
                if (early.get().go()) {
                    return true;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // read again below, where a failed reading is reported as such
            }
        } else if (early != null) {
            early.cancel(false);
        }
        return waitOutThrottle();
    }

    /**
     * For a pipelined writer: takes the throttle's readings on another thread while this chunk is written, for the
     * next {@link #awaitPace()}. The readings use the throttle's own connections, which nothing else uses meanwhile.
     */
    public void prefetchThrottle(java.util.concurrent.Executor executor) {
        java.util.concurrent.FutureTask<ThrottleState> task = new java.util.concurrent.FutureTask<>(throttle::get);
        prefetched = task;
        executor.execute(task);
    }

    /**
     * For a pipelined writer that stops (the range done, cancelled, failed): drops the reading it asked for, which
     * its executor may never run, so that the next pass's {@link #awaitPace()} reads afresh instead of waiting on it.
     */
    public void dropPrefetchedThrottle() {
        java.util.concurrent.Future<ThrottleState> task = prefetched;
        prefetched = null;
        if (task != null) {
            task.cancel(false);
        }
    }

    private Optional<IdRange> issue() throws Exception {
        guard.check();
        long size = nextSize(control.pace());
        long from = issuedThrough + 1;
        long to = Math.min(last, issuedThrough + size);
        IdSeeker s = seeker;
        if (s != null) {
            OptionalLong row = s.firstAtOrAfter(from);
            long at = row.isEmpty() ? Long.MAX_VALUE : Math.max(from, row.getAsLong());
            to = at > last - size ? last : at - 1 + size;
        }
        issuedThrough = to;
        return Optional.of(new IdRange(from, to));
    }

    /**
     * What a job records with each finished chunk, in the same snapshot as the done-point (a copy's holes): asked on
     * the thread that completes the chunk, after its commit.
     */
    public interface Completion {
        java.util.function.UnaryOperator<org.csmh.proto.v1.Job.Builder> after(IdRange range) throws java.sql.SQLException;
    }

    private volatile Completion completion;

    public void onCompletion(Completion c) {
        this.completion = c;
    }

    /** Records a finished chunk; chunks complete in the order they were handed out. */
    public void completed(IdRange range, long rows, long nanos) {
        Completion c = completion;
        java.util.function.UnaryOperator<org.csmh.proto.v1.Job.Builder> also = b -> b;
        if (c != null) {
            try {
                also = c.after(range);
            } catch (java.sql.SQLException e) {
                // Committed but not recorded: the pass fails and the resume point (what the target holds) takes over.
                throw new IllegalStateException(new java.sql.SQLException("recording chunk " + range + ": " + e.getMessage(),
                        e.getSQLState(), e.getErrorCode(), e));
            }
        }
        completed(range, rows, nanos, also);
    }

    /**
     * Records a finished chunk with more of its outcome (a purge's kept rows), published in the same snapshot as the
     * done-point, so a restart sees both or neither.
     */
    public void completed(IdRange range, long rows, long nanos, java.util.function.UnaryOperator<org.csmh.proto.v1.Job.Builder> also) {
        if (range.first() != doneThrough + 1) {
            throw new IllegalStateException("chunk " + range + " completed out of order after " + doneThrough);
        }
        doneThrough = range.last();
        lastChunkNanos = nanos;
        lastCompletedAt = System.nanoTime();
        rowsThisRun += rows;
        job.telemetry().chunkDone(job.spec().getJob().getKind(), nanos, rows);
        ids.add(lastCompletedAt, range.last() - range.first() + 1, rows);
        double idRate = ids.idsPerSecond();
        long remaining = last - doneThrough;
        long eta = idRate > 0 ? (long) Math.ceil(remaining / idRate) : -1;
        long done = doneThrough;
        double progress = IdRange.doneShare(first, done, last);
        job.progress(b -> also.apply(b.setCurrentId(done).clearInFlight().setRowsDone(b.getRowsDone() + rows).setChunksDone(b.getChunksDone() + 1)
                .setRowsPerSecond(ids.rowsPerSecond()).setEtaSeconds(eta).setProgress(progress)));
    }

    private boolean paceSleep() throws InterruptedException {
        Pace pace = control.pace();
        long sleepMs = sleepMs(pace);
        if (pace.getMaxRowsPerSecond() > 0) {
            // Average-rate cap over this run: wait until the rows done so far fit under the cap.
            double elapsedMs = (System.nanoTime() - runStartedAt) / 1e6;
            double neededMs = rowsThisRun * 1000.0 / pace.getMaxRowsPerSecond();
            sleepMs = Math.max(sleepMs, (long) Math.ceil(neededMs - elapsedMs));
        }
        long waitedMs = (System.nanoTime() - lastCompletedAt) / 1_000_000;
        long left = sleepMs - waitedMs;
        return left <= 0 ? !control.cancelled() : control.sleep(left) && control.awaitRunnable();
    }

    /**
     * Waits while the throttle says so, showing why. A blind wait (a metric that cannot be read) fails the job once it
     * has lasted the pace's max_unreadable_seconds: waiting forever on a replica that is gone helps nobody.
     */
    private boolean waitOutThrottle() throws InterruptedException, JobFailure {
        ThrottleState state = throttle.get();
        if (state.go()) {
            return true;
        }
        throttled = true;
        try {
            return waitWhileThrottled(state);
        } finally {
            throttled = false;
        }
    }

    private boolean waitWhileThrottled(ThrottleState first) throws InterruptedException, JobFailure {
        ThrottleState state = first;
        long blindSince = 0;
        while (!state.go()) {
            long now = System.nanoTime();
            blindSince = state.blind() ? (blindSince == 0 ? now : blindSince) : 0;
            long limit = control.pace().getMaxUnreadableSeconds();
            if (blindSince != 0 && limit > 0 && now - blindSince >= limit * 1_000_000_000L) {
                throw new JobFailure("throttled for " + limit + " s without being able to read a metric: " + state.reason()
                        + " (pace max_unreadable_seconds)");
            }
            ThrottleState shown = state;
            job.progress(b -> b.setThrottleReason(shown.reason()).setThrottle(shown.detail()).setRowsPerSecond(0));
            if (!control.sleep(1000) || !control.awaitRunnable()) {
                return false;
            }
            state = throttle.get();
        }
        job.progress(b -> b.setThrottleReason(""));
        return true;
    }

    /** Fixed chunk size, or sized so a chunk takes about target_chunk_ms (at most halving or doubling per step). */
    private long nextSize(Pace pace) {
        if (pace.getTargetChunkMs() <= 0) {
            chunkSize = pace.getChunkSize();
            return chunkSize;
        }
        if (lastChunkNanos <= 0) {
            return chunkSize;
        }
        double ratio = pace.getTargetChunkMs() * 1e6 / lastChunkNanos;
        ratio = Math.max(0.5, Math.min(2.0, ratio));
        chunkSize = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, (long) (chunkSize * ratio)));
        return chunkSize;
    }
}
