package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races control calls (pause, resume, pace, cancel, watch) from several threads against short jobs finishing, the
 * way an operator's script firing at jobs that are just completing does. Asserts: a finished job never changes
 * again, every watcher's stream ends, and the record on disk equals the last snapshot.
 */
class JobEngineStressTest {
    private static final int JOBS = 150;
    private static final int CALLERS = 4;

    @TempDir
    Path dir;

    @Test
    void controlCallsRacingCompletionNeverReopenAFinishedJob() throws Exception {
        JobStore store = new JobStore(dir);
        Map<String, List<Job>> seenByWatchers = new ConcurrentHashMap<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        try (JobManager m = new JobManager(store, r -> this::shortBody)) {
            for (int n = 0; n < JOBS; n++) {
                Job job = Job.newBuilder().setId("s" + n).setKind(JobKind.JOB_KIND_VERIFY).setRangeStart(1).setRangeEnd(5)
                        .setPace(PaceRules.defaults(JobKind.JOB_KIND_VERIFY)).build();
                String id = m.start(JobRecord.newBuilder().setJob(job).setVerify(StartVerifyRequest.getDefaultInstance()).build()).id();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> callers = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    Thread t = new Thread(() -> {
                        awaitQuietly(go);
                        for (int i = 0; i < 6; i++) {
                            act(m, id, seenByWatchers, violations);
                        }
                    });
                    t.start();
                    callers.add(t);
                }
                go.countDown();
                for (Thread t : callers) {
                    t.join();
                }
                try {
                    m.resume(id);
                } catch (PreconditionException finished) {
                    // already finished: nothing to wake
                }
            }
            for (int n = 0; n < JOBS; n++) {
                Job end = awaitFinished(m, "s" + n);
                Job onDisk = store.loadAll().stream().filter(r -> r.getJob().getId().equals(end.getId())).findFirst().orElseThrow().getJob();
                assertEquals(end, onDisk, "the record on disk is the last snapshot");
                assertEquals(end, m.get(end.getId()).snapshot(), "a finished job does not change");
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
        for (Map.Entry<String, List<Job>> e : seenByWatchers.entrySet()) {
            List<Job> seen = e.getValue();
            assertTrue(JobHandle.isTerminal(seen.get(seen.size() - 1).getState()), "watcher " + e.getKey() + " saw the end: " + seen);
        }
    }

    /** A few chunks' worth of progress, sleeping between them through the job's control like a walker does. */
    private void shortBody(JobHandle job) throws InterruptedException {
        for (int i = 1; i <= 5; i++) {
            if (!job.control().awaitRunnable() || !job.control().sleep(ThreadLocalRandom.current().nextInt(2))) {
                return;
            }
            int done = i;
            job.progress(b -> b.setCurrentId(done).setRowsDone(done));
        }
    }

    private static void act(JobManager m, String id, Map<String, List<Job>> watchers, List<String> violations) {
        try {
            switch (ThreadLocalRandom.current().nextInt(5)) {
                case 0 -> m.pause(id);
                case 1 -> m.resume(id);
                case 2 -> m.setPace(id, Pace.newBuilder().setChunkSize(100 + ThreadLocalRandom.current().nextInt(1000)).build());
                case 3 -> m.cancel(id);
                default -> {
                    List<Job> seen = new CopyOnWriteArrayList<>();
                    watchers.put(id + "/" + Thread.currentThread().getId() + "/" + System.nanoTime(), seen);
                    m.get(id).watch(j -> {
                        if (!seen.isEmpty() && JobHandle.isTerminal(seen.get(seen.size() - 1).getState())) {
                            violations.add("job " + id + " changed after it finished: " + seen.get(seen.size() - 1).getState() + " -> " + j.getState());
                        }
                        seen.add(j);
                    });
                }
            }
        } catch (PreconditionException finished) {
            // refusing a control call on a finished job is the right answer
        }
    }

    private static Job awaitFinished(JobManager m, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Job j = m.get(id).snapshot();
            if (JobHandle.isTerminal(j.getState())) {
                return j;
            }
            try {
                m.resume(id);
            } catch (PreconditionException finished) {
                // finished between the two reads
            }
            Thread.sleep(5);
        }
        throw new AssertionError("job " + id + " did not finish: " + m.get(id).snapshot());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
