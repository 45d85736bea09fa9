package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes in the middle of a copy: the agent (SIGKILL) and the database. Each ends with 0 rows lost or doubled. */
class CopyFaultIT {
    @TempDir
    Path dir;

    static StartCopyRequest slowCopy() {
        return StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(60)).build();
    }

    @Test
    void agentKilledMidCopyResumesAfterRestart() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 40_000).startProcess()) {
            h.configureTarget();
            Job job = h.client.startCopy(slowCopy());
            Job before = h.awaitProgress(job.getId(), 8_000, 60_000);
            h.killProcess();
            long copiedAtKill = TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe());
            assertTrue(copiedAtKill >= before.getCurrentId() && copiedAtKill < 40_000, "killed mid-copy: " + copiedAtKill);
            String record = Files.readString(dir.resolve("state/jobs/" + job.getId() + ".json"));
            assertTrue(record.contains("JOB_STATE_RUNNING"), record);

            h.startProcess();
            // Killed again between two saves of the record (saved at most once a second): the count must still add up.
            h.awaitProgress(job.getId(), 20_000, 60_000);
            h.killProcess();
            h.startProcess();
            Job resumed = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(40_000, resumed.getCurrentId());
            assertEquals(40_000, resumed.getRowsDone(), "rows_done recounted from the target after each kill");
            assertTrue(resumed.getAttempts() >= 3, resumed.toString());
            assertVerified(h, 40_000);
        }
    }

    @Test
    void agentKilledMidPurgeCountsEveryRowOnce() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 30_000).startProcess()) {
            h.configureTarget();
            // Copied first: the purge deletes only what CSMHE holds.
            h.awaitState(h.client.startCopy(org.csmh.proto.v1.StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(5000).setSleepMs(0)).build()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            Job purge = h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(60)).build());
            for (long at : new long[] {6_000, 15_000}) {
                h.awaitProgress(purge.getId(), at, 60_000);
                h.killProcess();
                h.startProcess();
            }
            Job done = h.awaitState(purge.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(30_000, done.getRowsDone(), "each deleted chunk counted once across kills: " + done);
        }
    }

    @Test
    void targetDatabaseKilledMidCopyIsWaitedOut() throws Exception {
        DatabaseSandbox second = TestDatabases.secondSandbox();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second.rootEndpoint(), 30_000).startInProcess()) {
            h.configureTarget();
            Job job = h.client.startCopy(slowCopy());
            h.awaitProgress(job.getId(), 6_000, 60_000);
            second.kill();
            long deadline = System.currentTimeMillis() + 20_000;
            Job waiting = h.client.getJob(job.getId());
            while (!waiting.getThrottleReason().startsWith("database error") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                waiting = h.client.getJob(job.getId());
            }
            assertTrue(waiting.getThrottleReason().startsWith("database error, retrying"), waiting.toString());
            assertEquals(JobState.JOB_STATE_RUNNING, waiting.getState());
            second.restart();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(30_000, done.getCurrentId());
            assertVerified(h, 30_000);
        }
    }

    static void assertVerified(CopyHarness h, long rows) throws InterruptedException {
        assertEquals(rows, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "no row lost or doubled");
        assertEquals(rows, TestDatabases.queryLong(h.target, "SELECT COUNT(DISTINCT id) FROM " + h.csmhe()));
        Job v = h.client.startVerify(StartVerifyRequest.newBuilder().setPace(Pace.newBuilder().setChunkSize(5000)).build());
        Job verified = h.awaitState(v.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
        assertEquals(0, verified.getMismatchedRows());
        assertEquals(rows, verified.getRowsDone());
    }
}
