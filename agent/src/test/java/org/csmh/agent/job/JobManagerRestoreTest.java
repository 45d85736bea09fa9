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
}
