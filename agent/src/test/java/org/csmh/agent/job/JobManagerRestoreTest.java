package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job records survive a restart: unfinished ones run again, unrunnable or unreadable ones do not stop the agent. */
class JobManagerRestoreTest {
    @TempDir
    Path dir;

    @Test
    void unfinishedJobsRunAgainAndBadRecordsAreContained() throws Exception {
        JobStore store = new JobStore(dir);
        store.save(JobRecord.newBuilder().setJob(Job.newBuilder().setId("runs1").setKind(JobKind.JOB_KIND_VERIFY)
                .setState(JobState.JOB_STATE_RUNNING).setCreatedAt("2026-01-01T00:00:00Z")).setVerify(StartVerifyRequest.getDefaultInstance()).build());
        store.save(JobRecord.newBuilder().setJob(Job.newBuilder().setId("nospec").setKind(JobKind.JOB_KIND_COPY)
                .setState(JobState.JOB_STATE_RUNNING).setCreatedAt("2026-01-01T00:00:01Z")).build());
        store.save(JobRecord.newBuilder().setJob(Job.newBuilder().setId("done1").setState(JobState.JOB_STATE_SUCCEEDED)
                .setCreatedAt("2026-01-01T00:00:02Z")).setVerify(StartVerifyRequest.getDefaultInstance()).build());
        Files.writeString(dir.resolve("jobs/garbage.json"), "{not json");
        CountDownLatch ran = new CountDownLatch(1);
        try (JobManager m = new JobManager(store, r -> {
            if (r.getSpecCase() == JobRecord.SpecCase.SPEC_NOT_SET) {
                throw new IllegalStateException("job " + r.getJob().getId() + " has no spec");
            }
            return h -> ran.countDown();
        })) {
            m.restore();
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the running job ran again");
            assertEquals(3, m.list().size());
            Job bad = m.get("nospec").snapshot();
            assertEquals(JobState.JOB_STATE_FAILED, bad.getState());
            assertTrue(bad.getError().contains("cannot resume after restart"), bad.getError());
            assertEquals(JobState.JOB_STATE_SUCCEEDED, m.get("done1").snapshot().getState(), "finished jobs are not run again");
            for (int i = 0; i < 100 && m.get("runs1").snapshot().getState() != JobState.JOB_STATE_SUCCEEDED; i++) {
                Thread.sleep(20);
            }
            assertEquals(JobState.JOB_STATE_SUCCEEDED, m.get("runs1").snapshot().getState());
            assertEquals(1, m.get("runs1").snapshot().getAttempts());
        }
    }

    /** The store fails under a running job (its directory is gone): the job fails saying so, and its watchers are told. */
    @Test
    void aJobWhoseRecordCannotBeSavedFailsLoudly() throws Exception {
        JobStore store = new JobStore(dir);
        CountDownLatch storeBroken = new CountDownLatch(1);
        try (JobManager m = new JobManager(store, r -> h -> {
            storeBroken.await();
            h.checkpoint(b -> b.setCurrentId(10).setRowsDone(10));
        })) {
            JobHandle job = m.start(JobRecord.newBuilder().setJob(Job.newBuilder().setId("disk1").setKind(JobKind.JOB_KIND_VERIFY))
                    .setVerify(StartVerifyRequest.getDefaultInstance()).build());
            java.util.concurrent.CompletableFuture<Job> last = new java.util.concurrent.CompletableFuture<>();
            job.watch(j -> {
                if (JobHandle.isTerminal(j.getState())) {
                    last.complete(j);
                }
            });
            Files.move(dir.resolve("jobs"), dir.resolve("jobs.moved"));
            Files.writeString(dir.resolve("jobs"), "not a directory");
            storeBroken.countDown();
            Job end = last.get(10, TimeUnit.SECONDS);
            assertEquals(JobState.JOB_STATE_FAILED, end.getState());
            assertTrue(end.getError().startsWith("cannot save the job record"), end.getError());
            assertEquals(end, m.get("disk1").snapshot());
        }
    }
}
