package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
    void aReadOnlyTargetIsRefusedUpFrontAndOneThatTurnsReadOnlyMidCopyIsWaitedOut() throws Exception {
        Endpoint target = EngineMatrixIT.root(SandboxEngine.MYSQL_8_0);
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), target, 20_000).startInProcess()) {
            h.configureTarget();
            // Read-only from the start (a replica named by mistake): refused up front, no job.
            TestDatabases.execute(target, "SET GLOBAL super_read_only = ON");
            org.csmh.proto.v1.Check server = h.client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                    .filter(c -> c.getId().equals("target_server")).findFirst().orElseThrow();
            assertEquals("ON", server.getFieldsMap().get("read_only"));
            assertEquals(org.csmh.proto.v1.CheckState.CHECK_STATE_WARNING, server.getState());
            assertTrue(server.getDetail().contains("; read_only ON: a replica or a read-only endpoint?"), server.getDetail());
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(CopyFaultIT.slowCopy()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("the target server refuses writes (The MySQL server is running with the"
                    + " --super-read-only option so it cannot execute this statement): is student_module_history pointing at a replica"),
                    refused.getStatus().getDescription());
            assertEquals(0, h.client.listJobs().getJobsCount());
            TestDatabases.execute(target, "SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");

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

    /** read_only that the copy's account may write past (MariaDB's READ_ONLY ADMIN, here through ALL PRIVILEGES): no refusal. */
    @Test
    void readOnlyTheAccountMayWritePastIsNoRefusal() throws Exception {
        Endpoint target = EngineMatrixIT.second(SandboxEngine.MARIADB_10_11).rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), target, 3_000).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(target, "SET GLOBAL read_only = ON");
            Job job = h.client.startCopy(CopyFaultIT.slowCopy());
            assertEquals(3_000, h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000).getRowsDone());
        } finally {
            TestDatabases.execute(target, "SET GLOBAL read_only = OFF");
        }
    }

    /** The purge asks the old table's server the same: a read-only one (a replica, the old primary) is refused up front. */
    @Test
    void aPurgeOnAReadOnlyServerIsRefusedUpFront() throws Exception {
        Endpoint server = EngineMatrixIT.root(SandboxEngine.MYSQL_8_0);
        try (CopyHarness h = new CopyHarness(dir, server, server, 2_000).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(server, "SET GLOBAL super_read_only = ON");
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.client.startPurge(
                    org.csmh.proto.v1.StartPurgeRequest.newBuilder().setForce(true).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().startsWith("the old table's server refuses writes (The MySQL server is running with"
                    + " the --super-read-only option"), refused.getStatus().getDescription());
            assertEquals(0, h.client.listJobs().getJobsCount());
            TestDatabases.execute(server, "SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
            // Copied first: the purge deletes only what CSMHE holds.
            h.awaitState(h.client.startCopy(org.csmh.proto.v1.StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(org.csmh.proto.v1.Pace.newBuilder().setChunkSize(1000).setSleepMs(0)).build()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            Job purge = h.client.startPurge(org.csmh.proto.v1.StartPurgeRequest.newBuilder().setForce(true)
                    .setPace(org.csmh.proto.v1.Pace.newBuilder().setChunkSize(500).setSleepMs(0)).build());
            assertEquals(2_000, h.awaitState(purge.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000).getRowsDone());
        } finally {
            TestDatabases.execute(server, "SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
        }
    }
}
