package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walker shared by copy, verify and purge: order, pace, pause/cancel, throttle, guard. */
class ChunkWalkerTest {
    @TempDir
    Path dir;

    private JobHandle job(Pace pace) {
        JobHandle h = new JobHandle(new JobStore(dir), JobRecord.newBuilder().setJob(Job.newBuilder().setId("w1").setKind(JobKind.JOB_KIND_COPY)
                .setState(JobState.JOB_STATE_PENDING).setPace(pace)).build());
        h.control().start();
        return h;
    }

    private static Pace fixed(int chunk) {
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(0).build();
    }

    @Test
    void handsOutChunksInOrderAndPublishesProgress() throws Exception {
        JobHandle h = job(fixed(300));
        ChunkWalker w = new ChunkWalker(h, 1, 1000, 0, () -> ThrottleState.GO);
        List<IdRange> got = new ArrayList<>();
        for (Optional<IdRange> r = w.next(); r.isPresent(); r = w.next()) {
            got.add(r.get());
            w.completed(r.get(), r.get().last() - r.get().first() + 1, 1_000_000);
        }
        assertEquals(List.of(new IdRange(1, 300), new IdRange(301, 600), new IdRange(601, 900), new IdRange(901, 1000)), got);
        Job s = h.snapshot();
        assertEquals(1000, s.getCurrentId());
        assertEquals(1000, s.getRowsDone());
        assertEquals(4, s.getChunksDone());
        assertEquals(1.0, s.getProgress());
    }

    @Test
    void foldsEachHoleInTheIdsIntoTheChunkBeforeItsNextRow() throws Exception {
        // Rows at 1..250, 10,000..10,049 and 999,990..1,000,000: holes of ten thousand and a million ids.
        java.util.TreeSet<Long> rows = new java.util.TreeSet<>();
        for (long id = 1; id <= 250; id++) {
            rows.add(id);
        }
        for (long id = 10_000; id < 10_050; id++) {
            rows.add(id);
        }
        for (long id = 999_990; id <= 1_000_000; id++) {
            rows.add(id);
        }
        JobHandle h = job(fixed(100));
        ChunkWalker w = new ChunkWalker(h, 1, 1_000_000, 0, () -> ThrottleState.GO);
        List<Long> asked = new ArrayList<>();
        w.seekWith(id -> {
            asked.add(id);
            Long next = rows.ceiling(id);
            return next == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(next);
        });
        List<IdRange> got = new ArrayList<>();
        for (Optional<IdRange> r = w.next(); r.isPresent(); r = w.next()) {
            got.add(r.get());
            w.completed(r.get(), rows.subSet(r.get().first(), true, r.get().last(), true).size(), 1_000_000);
        }
        assertEquals(List.of(new IdRange(1, 100), new IdRange(101, 200), new IdRange(201, 300),
                new IdRange(301, 10_099), new IdRange(10_100, 1_000_000)), got);
        assertEquals(List.of(1L, 101L, 201L, 301L, 10_100L), asked);
        assertEquals(rows.size(), h.snapshot().getRowsDone());
        assertEquals(1_000_000, h.snapshot().getCurrentId());

        // Nothing left after the last row: the rest of the range is one chunk; without a seeker, ids as they come.
        JobHandle h2 = job(fixed(100));
        ChunkWalker tail = new ChunkWalker(h2, 1, 5_000, 0, () -> ThrottleState.GO);
        tail.seekWith(id -> java.util.OptionalLong.empty());
        assertEquals(new IdRange(1, 5_000), tail.next().orElseThrow());
        ChunkWalker plain = new ChunkWalker(job(fixed(100)), 1, 5_000, 0, () -> ThrottleState.GO);
        assertEquals(new IdRange(1, 100), plain.next().orElseThrow());
    }

    @Test
    void resumesAfterTheDonePointAndRefusesOutOfOrderCompletion() throws Exception {
        JobHandle h = job(fixed(100));
        ChunkWalker w = new ChunkWalker(h, 1, 1000, 450, () -> ThrottleState.GO);
        IdRange first = w.next().orElseThrow();
        assertEquals(new IdRange(451, 550), first);
        IdRange second = w.next().orElseThrow();
        assertThrows(IllegalStateException.class, () -> w.completed(second, 1, 1));
    }

    @Test
    void sizesChunksTowardTheTargetTimeAtMostHalvingOrDoublingPerStep() throws Exception {
        JobHandle h = job(Pace.newBuilder().setChunkSize(1000).setTargetChunkMs(100).setSleepMs(0).build());
        ChunkWalker w = new ChunkWalker(h, 1, 1_000_000, 0, () -> ThrottleState.GO);
        IdRange a = w.next().orElseThrow();
        assertEquals(1000, a.last() - a.first() + 1);
        w.completed(a, 1000, TimeUnit.MILLISECONDS.toNanos(1000));   // ten times too slow: halve
        IdRange b = w.next().orElseThrow();
        assertEquals(500, b.last() - b.first() + 1);
        w.completed(b, 500, TimeUnit.MILLISECONDS.toNanos(10));      // ten times too fast: double
        IdRange c = w.next().orElseThrow();
        assertEquals(1000, c.last() - c.first() + 1);
    }

    @Test
    void waitsOutTheThrottleShowingWhyThenClearsIt() throws Exception {
        JobHandle h = job(fixed(100));
        AtomicInteger calls = new AtomicInteger();
        List<String> reasons = new ArrayList<>();
        h.watch(j -> reasons.add(j.getThrottleReason()));
        ChunkWalker w = new ChunkWalker(h, 1, 1000, 0, () -> calls.incrementAndGet() == 1
                ? ThrottleState.waitFor("Threads_running 99 > 50") : ThrottleState.GO);
        assertEquals(new IdRange(1, 100), w.next().orElseThrow());
        assertTrue(reasons.contains("Threads_running 99 > 50"), reasons.toString());
        assertEquals("", h.snapshot().getThrottleReason());
    }

    @Test
    void pauseHoldsTheNextChunkAndCancelEndsTheWalk() throws Exception {
        JobHandle h = job(fixed(100));
        ChunkWalker w = new ChunkWalker(h, 1, 1000, 0, () -> ThrottleState.GO);
        h.control().pause();
        CompletableFuture<Optional<IdRange>> next = CompletableFuture.supplyAsync(() -> {
            try {
                return w.next();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertTrue(!next.isDone(), "paused: no chunk handed out");
        h.control().resume();
        assertEquals(new IdRange(1, 100), next.get(5, TimeUnit.SECONDS).orElseThrow());
        h.control().cancel();
        assertTrue(w.next().isEmpty(), "cancelled: the walk ends");
    }

    @Test
    void theGuardRunsBeforeEveryChunk() throws Exception {
        JobHandle h = job(fixed(100));
        AtomicReference<Exception> lost = new AtomicReference<>();
        ChunkWalker w = new ChunkWalker(h, 1, 1000, 0, () -> ThrottleState.GO, () -> {
            if (lost.get() != null) {
                throw lost.get();
            }
        });
        w.completed(w.next().orElseThrow(), 100, 1);
        lost.set(new java.sql.SQLTransientConnectionException("fleet lock lost"));
        assertThrows(java.sql.SQLTransientConnectionException.class, w::next);
    }

    @Test
    void aBlindWaitFailsTheJobAfterMaxUnreadableSeconds() throws Exception {
        JobHandle h = job(Pace.newBuilder().setChunkSize(100).setSleepMs(0).setMaxUnreadableSeconds(1).build());
        ChunkWalker w = new ChunkWalker(h, 1, 1000, 0, () -> ThrottleState.blind("cannot read replica lag of r1: replication is not running"));
        long t0 = System.nanoTime();
        JobFailure e = assertThrows(JobFailure.class, w::next);
        assertTrue(e.getMessage().contains("replication is not running") && e.getMessage().contains("max_unreadable_seconds"), e.getMessage());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 1000);
        AtomicInteger calls = new AtomicInteger();
        JobHandle other = job(Pace.newBuilder().setChunkSize(100).setSleepMs(0).setMaxUnreadableSeconds(1).build());
        ChunkWalker readable = new ChunkWalker(other, 1, 1000, 0, () -> calls.incrementAndGet() < 3
                ? ThrottleState.waitFor("replica r1 lags 30 s > 10 s") : ThrottleState.GO);
        assertEquals(new IdRange(1, 100), readable.next().orElseThrow(), "a readable lag waits as long as it lasts");
    }

    @Test
    void aPipelinedWalkReadsAheadButPacesAndThrottlesTheWrites() throws Exception {
        JobHandle h = job(Pace.newBuilder().setChunkSize(100).setSleepMs(300).build());
        AtomicInteger readings = new AtomicInteger();
        AtomicReference<ThrottleState> state = new AtomicReference<>(ThrottleState.GO);
        ChunkWalker w = new ChunkWalker(h, 1, 300, 0, () -> {
            readings.incrementAndGet();
            return state.get();
        });
        // The reader takes chunks without waiting: neither the pace nor the throttle holds it.
        long t0 = System.nanoTime();
        IdRange a = w.nextToRead().orElseThrow();
        IdRange b = w.nextToRead().orElseThrow();
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(200), "read-ahead does not sleep");
        assertEquals(0, readings.get(), "nor read the throttle");
        // The writer: the first write goes at once, the next waits the pace after the first completed.
        assertTrue(w.awaitPace());
        w.completed(a, 100, 1_000_000);
        long t1 = System.nanoTime();
        assertTrue(w.awaitPace());
        assertTrue(System.nanoTime() - t1 >= TimeUnit.MILLISECONDS.toNanos(250), "the pace applies between writes");
        w.completed(b, 100, 1_000_000);
        // A reading taken while a chunk is written stands in only when there is no pause: here the pause makes a fresh
        // one, which says wait, and the writer waits until the throttle lets it go.
        IdRange c = w.nextToRead().orElseThrow();
        state.set(ThrottleState.waitFor("Threads_running 99 > 50"));
        w.prefetchThrottle(Runnable::run);
        CompletableFuture<Boolean> paced = CompletableFuture.supplyAsync(() -> {
            try {
                return w.awaitPace();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_500);
        assertTrue(!paced.isDone(), "throttled");
        assertEquals("Threads_running 99 > 50", h.snapshot().getThrottleReason());
        state.set(ThrottleState.GO);
        assertTrue(paced.get(10, TimeUnit.SECONDS));
        w.completed(c, 100, 1_000_000);
        assertEquals(300, h.snapshot().getCurrentId());
        assertTrue(w.nextToRead().isEmpty());
    }

    @Test
    void withoutAPauseTheReadingTakenDuringTheLastWriteStandsIn() throws Exception {
        JobHandle h = job(fixed(100));
        AtomicInteger readings = new AtomicInteger();
        ChunkWalker w = new ChunkWalker(h, 1, 200, 0, () -> {
            readings.incrementAndGet();
            return ThrottleState.GO;
        });
        IdRange a = w.nextToRead().orElseThrow();
        assertTrue(w.awaitPace());
        assertEquals(1, readings.get(), "no earlier reading: a fresh one");
        w.prefetchThrottle(Runnable::run);   // taken while chunk a is written
        w.completed(a, 100, 1_000_000);
        assertTrue(w.awaitPace());
        assertEquals(2, readings.get(), "the reading taken during the write stood in: no round trip between writes");
    }

    @Test
    void aReadingAskedForByAWriterThatStoppedIsDroppedNotAwaited() throws Exception {
        JobHandle h = job(fixed(100));
        AtomicInteger readings = new AtomicInteger();
        ChunkWalker w = new ChunkWalker(h, 1, 300, 0, () -> {
            readings.incrementAndGet();
            return ThrottleState.GO;
        });
        IdRange a = w.next().orElseThrow();
        // the writer's executor shut down before it ran the reading (the range ended there): it never will
        w.prefetchThrottle(task -> { });
        w.completed(a, 100, 1_000_000);
        w.dropPrefetchedThrottle();
        // the next pass reads afresh instead of waiting forever on the reading nobody runs
        CompletableFuture<Optional<IdRange>> next = CompletableFuture.supplyAsync(() -> {
            try {
                return w.next();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(new IdRange(101, 200), next.get(10, TimeUnit.SECONDS).orElseThrow());
        assertEquals(2, readings.get());
    }
}
