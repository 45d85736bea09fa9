package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target turns read-only mid-copy, as the old primary does in a failover (orchestrator, ProxySQL and the like
 * set read_only there before they move the address): MySQL 8's super_read_only, which no account can write past.
 * The copy waits it out, saying why, writes nothing meanwhile, and goes on by itself once the target takes writes.
 */
class ReadOnlyTargetIT {
    @TempDir
    Path dir;

    @Test
    void aTargetThatTurnsReadOnlyMidCopyIsWaitedOut() throws Exception {
        Endpoint target = EngineMatrixIT.root(SandboxEngine.MYSQL_8_0);
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), target, 20_000).startInProcess()) {
            h.configureTarget();
            Job job = h.client.startCopy(CopyFaultIT.slowCopy());
            h.awaitProgress(job.getId(), 5_000, 60_000);
            TestDatabases.execute(target, "SET GLOBAL super_read_only = ON");

            Job waiting = null;
            for (long deadline = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < deadline; Thread.sleep(50)) {
                waiting = h.client.getJob(job.getId());
                if (waiting.getThrottleReason().startsWith("database error, retrying in ")) {
                    break;
                }
            }
            assertEquals(JobState.JOB_STATE_RUNNING, waiting.getState(), waiting.toString());
            assertTrue(waiting.getThrottleReason().contains("The MySQL server is running with the --super-read-only option"),
                    waiting.getThrottleReason());
            long copied = TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe());
            Thread.sleep(1_500);
            assertEquals(copied, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "nothing written while read-only");
            assertTrue(copied < 20_000, "read-only mid-copy: " + copied);

            TestDatabases.execute(target, "SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(20_000, done.getRowsDone(), done.toString());
            assertTrue(done.getAttempts() >= 2, done.toString());
            CopyFaultIT.assertVerified(h, 20_000);
        } finally {
            TestDatabases.execute(target, "SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
        }
    }
}
