package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.Replication;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replica lag read from a real replica: a primary and a replica sandbox of the same engine, replication delayed by
 * MASTER_DELAY so every chunk the copy writes makes the replica lag. The copy throttles with the lag in its reason
 * and goes on by itself as the replica catches up. With the replica's SQL thread stopped the lag cannot be read: the
 * job throttles, then fails after max_unreadable_seconds.
 */
class ReplicaLagIT {
    private static final int DELAY_SECONDS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MARIADB_11_4", "MYSQL_8_0"})
    void aCopyWaitsForALaggingReplicaAndFailsOnOneItCannotRead(SandboxEngine engine) throws Exception {
        Endpoint p = Replication.primary(engine).rootEndpoint();
        Endpoint r = Replication.replica(engine).rootEndpoint();
        Replication replication = new Replication(engine, r);
        replication.replicate("", p, DELAY_SECONDS);
        try (CopyHarness h = new CopyHarness(dir, p, p, 3_000)) {
            Files.writeString(h.config, Files.readString(h.config) + "  replica1:\n    host: 127.0.0.1\n    port: " + r.port() + "\n    user: root\n"
                    + "metrics:\n  listen: 127.0.0.1:0\n");
            h.startInProcess();
            h.configureTarget();
            awaitCaughtUp(r, h.targetDb);

            // Lag is whole seconds of event age: 2 s between chunks lets the delayed replica show it before the next one.
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(Pace.newBuilder().setChunkSize(1_000)
                    .setSleepMs(2_000).setMaxReplicaLagSeconds(0).addReplicaEndpoints("replica1")).build());
            List<String> reasons = new ArrayList<>();
            String scrapedWhileThrottled = null;
            Job j = h.client.getJob(job.getId());
            while (!org.csmh.agent.job.JobHandle.isTerminal(j.getState())) {
                if (!j.getThrottleReason().isEmpty() && !reasons.contains(j.getThrottleReason())) {
                    reasons.add(j.getThrottleReason());
                }
                if (!j.getThrottleReason().isEmpty() && scrapedWhileThrottled == null) {
                    // What a dashboard sees while the copy waits: throttled for replica lag, and the lag the throttle read.
                    String text = MetricsIT.scrape(h.agent.metricsPort());
                    if (MetricsIT.value(text, "csmh_job_throttled", "cause=\"replica_lag\",job_id=\"" + job.getId() + "\",kind=\"copy\",signal=\"replica lag\"") == 1.0) {
                        scrapedWhileThrottled = text;
                    }
                }
                Thread.sleep(50);
                j = h.client.getJob(job.getId());
            }
            assertEquals(JobState.JOB_STATE_SUCCEEDED, j.getState(), j.toString());
            assertTrue(reasons.stream().anyMatch(x -> x.matches("replica replica1 lags [1-9]\\d* s > 0 s")), reasons.toString());
            assertEquals(3_000, j.getRowsDone());
            assertTrue(scrapedWhileThrottled != null, "a scrape while throttled shows csmh_job_throttled{cause=replica_lag} 1");
            assertTrue(MetricsIT.value(scrapedWhileThrottled, "csmh_replica_lag_seconds", "endpoint=\"replica1\"") >= 1, scrapedWhileThrottled);

            replication.stopSqlThread("");
            Job verify = h.client.startVerify(StartVerifyRequest.newBuilder().setPace(Pace.newBuilder().setChunkSize(1_000)
                    .addReplicaEndpoints("replica1").setMaxUnreadableSeconds(2)).build());
            Job failed = h.awaitState(verify.getId(), JobState.JOB_STATE_FAILED, 30_000);
            assertTrue(failed.getError().contains("cannot read replica lag of replica1: replication is not running")
                    && failed.getError().contains("max_unreadable_seconds"), failed.getError());
        } finally {
            replication.removeAll();
        }
    }

    /** The harness's databases reached the replica and nothing is pending: lag is 0 again. */
    private static void awaitCaughtUp(Endpoint replica, String db) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (TestDatabases.queryLong(replica, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db + "'") > 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the replica never got database " + db);
    }
}
