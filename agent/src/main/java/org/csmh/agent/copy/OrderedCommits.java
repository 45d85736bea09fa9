package org.csmh.agent.copy;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.util.DaemonThreads;

/**
 * Chunks written on several target connections at once, committed in id order. Each chunk is its own transaction on
 * one writer; a writer commits its chunk only once the chunk before it has committed, and rolls back if that one
 * failed, so "every id up to max(id) in the range is copied", which a resume relies on, holds at every moment, and
 * {@link ChunkWalker#completed} sees the chunks in the order it handed them out. With one writer this is a plain
 * loop on another thread. While a chunk is written, the walker's next throttle reading is taken on a thread of its
 * own, so the next chunk does not wait a round trip for it (none under a pace with pauses: a reading after a pause
 * must be fresh).
 *
 * @param <W> a writer: one target connection and the statements it writes with
 */
final class OrderedCommits<W extends OrderedCommits.Writer> implements AutoCloseable {
    /** A writer's target connection, whose transaction holds one chunk at a time. */
    interface Writer {
        java.sql.Connection connection();

        /** Commits the chunk; a commit that fails rolls back what it can before it throws. */
        default void commit() throws SQLException {
            try {
                connection().commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw e;
            }
        }

        /**
         * Rolls the chunk back after a failure; a duplicate id, a row too large for the packet and a target out of
         * space become job failures that name the chunk and the remedy.
         */
        default Exception rolledBack(Exception e, IdRange range) {
            rollbackQuietly();
            return e instanceof SQLException s ? StrictWrites.named(range, s) : e;
        }

        default void rollbackQuietly() {
            try {
                connection().rollback();
            } catch (SQLException ignored) {
                // the server rolls back a dead connection's transaction by itself
            }
        }
    }

    /** Writes one chunk, uncommitted, on the writer given; returns the rows written. */
    interface Write<W> {
        long rows(W writer) throws Exception;
    }

    private final List<W> writers;
    private final ChunkWalker walker;
    private final ExecutorService pool;
    private final ExecutorService throttleReads;
    private final ArrayDeque<Future<?>> inFlight = new ArrayDeque<>();
    private Future<?> previous = CompletableFuture.completedFuture(null);
    private long handedOut;

    /** @param threadName the job thread's name, which the writer and throttle threads extend */
    OrderedCommits(List<W> writers, ChunkWalker walker, String threadName) {
        this.writers = List.copyOf(writers);
        this.walker = walker;
        this.pool = Executors.newFixedThreadPool(writers.size(), DaemonThreads.named(threadName + "-writer"));
        this.throttleReads = Executors.newSingleThreadExecutor(DaemonThreads.named(threadName + "-throttle"));
    }

    /**
     * Waits until the writer whose turn it is has finished its last chunk (every writer, when the pace pauses
     * between chunks), rethrowing a failure. Callers wait here before the pace, so a pause runs from the end of the
     * chunk before, as when chunks were written one after the other: a pace that asks for pauses gets chunk, pause,
     * chunk whatever the writer count, and the writers only run together when the pace has no pause.
     */
    void awaitWriter() throws Exception {
        awaitAllBut(walker.pausesBetweenChunks() ? 0 : writers.size() - 1);
    }

    /** Has the next writer write this chunk and commit it after the chunk before; reads the throttle meanwhile. */
    void submit(IdRange range, Write<W> write) throws Exception {
        awaitAllBut(writers.size() - 1);
        W writer = writers.get((int) (handedOut++ % writers.size()));
        Future<?> before = previous;
        previous = pool.submit(() -> {
            long t0 = System.nanoTime();
            long rows = write.rows(writer);
            try {
                before.get();
            } catch (ExecutionException e) {
                writer.rollbackQuietly();
                throw new AfterEarlierFailure(e.getCause());
            }
            writer.commit();
            walker.completed(range, rows, System.nanoTime() - t0);
            return null;
        });
        inFlight.addLast(previous);
        if (!walker.pausesBetweenChunks()) {
            walker.prefetchThrottle(throttleReads);
        }
    }

    /** Waits for every chunk handed out; rethrows the first failure. */
    void finish() throws Exception {
        awaitAllBut(0);
    }

    /** Waits, oldest first, until at most {@code left} chunks are in flight; rethrows the first failure met. */
    private void awaitAllBut(int left) throws Exception {
        while (inFlight.size() > left) {
            outcome(inFlight.removeFirst());
        }
    }

    /**
     * Waits for the chunks still in flight (after a failure elsewhere they roll back, their predecessor having failed,
     * or commit in order) and for a throttle reading still running on its connection.
     */
    @Override
    public void close() throws InterruptedException {
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (ExecutionException ignored) {
                // the first failure is the one the caller threw
            }
        }
        inFlight.clear();
        walker.dropPrefetchedThrottle(); // a reading its executor, shut down here, may never run
        pool.shutdownNow();
        throttleReads.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        throttleReads.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static void outcome(Future<?> f) throws Exception {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AfterEarlierFailure && cause.getCause() instanceof Exception first) {
                throw first; // a chunk rolled back only because an earlier one failed
            }
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** A chunk rolled back because the chunk before it failed; its cause is that failure. */
    private static final class AfterEarlierFailure extends Exception {
        AfterEarlierFailure(Throwable cause) {
            super(cause);
        }
    }
}
