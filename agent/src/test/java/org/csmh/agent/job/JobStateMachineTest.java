package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.junit.jupiter.api.Test;

/** Every transition from every state, and what happens when a record cannot be saved. */
class JobStateMachineTest {
    private static final Set<JobState> TERMINAL = EnumSet.of(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED);
    private static final List<JobState> ALL = List.of(JobState.JOB_STATE_PENDING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_PAUSED,
            JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED);

    private final List<Job> saved = new ArrayList<>();

    private JobStateMachine in(JobState s) {
        return new JobStateMachine(Job.newBuilder().setId("j1").setState(s).setPace(Pace.newBuilder().setChunkSize(100)).build(), saved::add);
    }

    private static void refused(Runnable call) {
        PreconditionException e = assertThrows(PreconditionException.class, call::run);
        assertTrue(e.getMessage().contains("it is already"), e.getMessage());
    }

    @Test
    void controlCallsFromEveryState() {
        for (JobState s : ALL) {
            boolean terminal = TERMINAL.contains(s);
            if (terminal) {
                refused(() -> in(s).pause());
                refused(() -> in(s).resume());
                refused(() -> in(s).cancel());
                refused(() -> in(s).setPace(p -> p.toBuilder().setChunkSize(5).build()));
                continue;
            }
            assertEquals(JobState.JOB_STATE_PAUSED, in(s).pause().getState(), "pause from " + s);
            JobState resumed = in(s).resume().getState();
            assertEquals(s == JobState.JOB_STATE_PAUSED ? JobState.JOB_STATE_PENDING : s, resumed, "resume from " + s + " (never started)");
            JobStateMachine m = in(s);
            assertEquals(s, m.cancel().getState(), "cancel is a request; the runner ends the job");
            assertTrue(m.cancelled());
            assertEquals(JobState.JOB_STATE_CANCELLED, m.finish().getState(), "a cancelled runner ends CANCELLED from " + s);
            assertEquals(5, in(s).setPace(p -> p.toBuilder().setChunkSize(5).build()).getPace().getChunkSize());
        }
    }

    @Test
    void aChangeThatChangesNothingIsNeitherSavedNorSent() {
        JobStateMachine m = in(JobState.JOB_STATE_RUNNING);
        List<Job> events = new ArrayList<>();
        m.watch(events::add);
        int savedBefore = saved.size();
        m.checkpoint(b -> b.setRowsDone(0).setThrottleReason(""));
        m.progress(b -> b.setThrottleReason(""));
        assertEquals(savedBefore, saved.size(), "no write for a change that changes nothing");
        assertEquals(1, events.size(), "watchers got the current snapshot and nothing since");
        m.checkpoint(b -> b.setRowsDone(7));
        assertEquals(savedBefore + 1, saved.size(), "a real checkpoint is saved at once");
        assertEquals(7, saved.get(saved.size() - 1).getRowsDone());
        assertEquals(2, events.size(), "and sent");
    }

    @Test
    void runnerTransitionsFromEveryState() {
        for (JobState s : ALL) {
            boolean terminal = TERMINAL.contains(s);
            JobStateMachine start = in(s);
            assertEquals(!terminal, start.start(), "start from " + s);
            assertEquals(terminal ? s : s == JobState.JOB_STATE_PAUSED ? s : JobState.JOB_STATE_RUNNING, start.snapshot().getState());
            assertEquals(terminal ? s : JobState.JOB_STATE_SUCCEEDED, in(s).finish().getState(), "finish from " + s);
            Job failed = in(s).fail("boom");
            assertEquals(terminal ? s : JobState.JOB_STATE_FAILED, failed.getState(), "fail from " + s);
            assertEquals(terminal ? "" : "boom", failed.getError());
            JobStateMachine retry = in(s);
            retry.retryWait("database error");
            assertEquals(terminal ? "" : "database error", retry.snapshot().getThrottleReason(), "retry-wait from " + s);
            assertEquals(s, retry.snapshot().getState(), "retry-wait keeps the state");
            Job p = in(s).progress(b -> b.setRowsDone(7).setState(JobState.JOB_STATE_RUNNING));
            assertEquals(s, p.getState(), "progress never changes the state");
            assertEquals(terminal ? 0 : 7, p.getRowsDone(), "progress is ignored once finished");
        }
    }

    @Test
    void resumeAfterStartRunsAndPauseWakesSleepers() throws Exception {
        JobStateMachine m = in(JobState.JOB_STATE_PENDING);
        m.start();
        m.pause();
        assertTrue(m.paused());
        assertEquals(JobState.JOB_STATE_RUNNING, m.resume().getState());
        long t0 = System.nanoTime();
        Thread waker = new Thread(() -> {
            sleepQuietly(100);
            m.cancel();
        });
        waker.start();
        assertFalse(m.sleep(10_000), "a cancel ends the sleep and says so");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000);
        waker.join();
    }

    @Test
    void finishedIsFinalAndFinishedAtIsSet() {
        JobStateMachine m = in(JobState.JOB_STATE_RUNNING);
        Job end = m.finish();
        assertFalse(end.getFinishedAt().isEmpty());
        assertEquals(end, m.fail("late"), "a late failure does not change a finished job");
        assertEquals(end, m.finish());
        assertEquals(end, saved.get(saved.size() - 1), "the last saved record is the final snapshot");
    }

    @Test
    void watchersSeeEverySnapshotInOrderAndAlwaysTheEnd() {
        JobStateMachine m = in(JobState.JOB_STATE_PENDING);
        List<Job> seen = new ArrayList<>();
        m.watch(seen::add);
        m.start();
        m.progress(b -> b.setRowsDone(1));
        m.finish();
        assertEquals(JobState.JOB_STATE_PENDING, seen.get(0).getState());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, seen.get(seen.size() - 1).getState());
        List<Job> late = new ArrayList<>();
        m.watch(late::add);
        assertEquals(List.of(m.snapshot()), late, "a watcher of a finished job gets the end at once");
    }

    @Test
    void aRecordThatCannotBeSavedFailsTheJobAndEndsItsWatchers() {
        AtomicBoolean diskFull = new AtomicBoolean();
        List<Job> written = new ArrayList<>();
        JobStateMachine m = new JobStateMachine(Job.newBuilder().setId("j2").setState(JobState.JOB_STATE_PENDING).build(), job -> {
            if (diskFull.get()) {
                throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
            }
            written.add(job);
        });
        List<Job> seen = new ArrayList<>();
        Consumer<Job> watcher = seen::add;
        m.watch(watcher);
        m.start();
        diskFull.set(true);
        JobStateMachine.RecordNotSaved e = assertThrows(JobStateMachine.RecordNotSaved.class, () -> m.checkpoint(b -> b.setRowsDone(5)));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        Job end = seen.get(seen.size() - 1);
        assertEquals(JobState.JOB_STATE_FAILED, end.getState(), "the watcher saw the job end");
        assertTrue(end.getError().contains("cannot save the job record"), end.getError());
        assertEquals(JobState.JOB_STATE_FAILED, m.snapshot().getState());
        assertEquals(end, m.finish(), "the runner's finish cannot turn it into a success");
    }

    @Test
    void aFailedFinalSaveStillEndsTheJobForWatchers() {
        JobStateMachine m = new JobStateMachine(Job.newBuilder().setId("j3").setState(JobState.JOB_STATE_RUNNING).build(), job -> {
            if (job.getState() == JobState.JOB_STATE_SUCCEEDED) {
                throw new IllegalStateException("read-only file system");
            }
        });
        List<Job> seen = new ArrayList<>();
        m.watch(seen::add);
        Job end = m.finish();
        assertEquals(JobState.JOB_STATE_FAILED, end.getState());
        assertTrue(end.getError().contains("read-only file system"), end.getError());
        assertEquals(end, seen.get(seen.size() - 1));
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
