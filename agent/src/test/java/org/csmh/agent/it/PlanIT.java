package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyPlan;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PlanCopyRequest;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capacity plan against a real server: what it reads, its verdicts, and that it changes nothing. */
class PlanIT {
    @TempDir
    Path dir;

    @Test
    void aPlanReadsRowsBytesAndRateAndChangesNothing() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 50_000)) {
            h.startInProcess();
            h.configureTarget();
            long autoIncrement = TestDatabases.queryLong(h.target, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + h.targetDb + "' AND TABLE_NAME = '" + TableNames.CSMHE + "'");
            CopyPlan p = h.client.planCopy(PlanCopyRequest.newBuilder().setCopy(StartCopyRequest.newBuilder()
                    .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0))).build());
            assertEquals(CopyMode.COPY_MODE_SAME_INSTANCE, p.getMode());
            assertTrue(Math.abs(p.getRows() - 50_000) <= 2_500, "sampled rows " + p.getRows());
            assertEquals(1, p.getFirstId());
            assertEquals(50_000, p.getLastId());
            assertEquals(8, p.getSampleChunks());
            assertTrue(p.getSampledRowsPerSecond() > 0 && p.getRowsPerSecond() > 0, p.toString());
            // The write probe inserted a chunk at the top of the range and rolled it back.
            assertTrue(p.getProbedWriteRowsPerSecond() > 0, p.toString());
            assertTrue(p.getWriteProbe().startsWith("multi-row INSERT of ids 49001..50000 (the second half timed), rolled back"), p.getWriteProbe());
            assertTrue(p.getRateSource().startsWith("sampled read + probed write time x "), p.getRateSource());
            assertTrue(p.getTargetBytesAdded() > 0 && p.getOldTableDataBytes() > 0, p.toString());
            // The sandbox runs on this host: its datadir's filesystem tells the free space.
            assertTrue(p.getTargetFreeBytes() > 0 && p.getTargetFreeSource().startsWith("the datadir's filesystem"), p.toString());
            assertTrue(p.getWritePath().startsWith("multi-row INSERT (innodb_autoinc_lock_mode=1"), p.getWritePath());
            assertTrue(p.getVerdict() != Verdict.VERDICT_NO_GO, p.toString());
            assertEquals(0, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "a plan writes nothing");
            assertEquals(autoIncrement, TestDatabases.queryLong(h.target, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + h.targetDb + "' AND TABLE_NAME = '" + TableNames.CSMHE + "'"));
            assertEquals(0, h.client.listJobs().getJobsCount(), "a plan starts no job");

            CopyPlan exact = h.client.planCopy(PlanCopyRequest.newBuilder().setExactCount(true).setCopy(StartCopyRequest.getDefaultInstance()).build());
            assertEquals(50_000, exact.getRows());
            assertTrue(exact.getRowsExact());
            // The default pace sleeps 2 s between 10,000-id chunks: 5 chunks, 10 s of sleeping at least.
            assertTrue(exact.getWorkSeconds() >= 10, exact.toString());

            // Quiet hours: one hour a day from twelve hours from now, so the copy spreads over closed hours.
            java.time.ZonedDateTime opens = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(12);
            String window = String.format("%02d:00-%02d:00", opens.getHour(), (opens.getHour() + 1) % 24);
            CopyPlan night = h.client.planCopy(PlanCopyRequest.newBuilder().setCopy(StartCopyRequest.newBuilder()
                    .setPace(Pace.newBuilder().setWindow(window).setTimeZone("UTC"))).build());
            assertTrue(night.getWallSeconds() >= 11 * 3600, night.toString());

            CopyCliIT.Run human = csmhctl(h, "plan", "--chunk-size", "1000", "--sleep-ms", "0");
            assertEquals(0, human.code(), human.toString());
            assertTrue(human.out().contains("copy plan: same instance") && human.out().contains("verdict: GO"), human.out());
        }
    }

    @Test
    void whatWouldRefuseTheCopyIsNoGoWithItsReasonAndExit8() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 5_000)) {
            h.startInProcess();
            h.configureTarget();
            // TRUNCATE puts AUTO_INCREMENT back to 1, below the old ids: the copy would be refused.
            TestDatabases.execute(h.target, "TRUNCATE TABLE " + h.csmhe());
            CopyPlan p;
            p = h.client.planCopy(PlanCopyRequest.newBuilder().setCopy(StartCopyRequest.getDefaultInstance()).build());
            assertEquals(Verdict.VERDICT_NO_GO, p.getVerdict(), p.toString());
            assertTrue(p.getReasonsList().stream().anyMatch(r -> r.getCode().equals("auto_increment") && r.getVerdict() == Verdict.VERDICT_NO_GO),
                    p.getReasonsList().toString());
            CopyCliIT.Run cli = csmhctl(h, "plan");
            assertEquals(8, cli.code(), cli.toString());
            assertTrue(cli.out().contains("verdict: NO-GO") && cli.out().contains("NO-GO auto_increment: "), cli.out());
            CopyCliIT.Run json = csmhctl(h, "--json", "plan");
            assertEquals(8, json.code(), json.toString());
            assertTrue(json.out().contains("\"verdict\":\"VERDICT_NO_GO\""), json.out());

            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe());
            p = h.client.planCopy(PlanCopyRequest.newBuilder().setCopy(StartCopyRequest.getDefaultInstance()).build());
            assertTrue(p.getReasonsList().stream().anyMatch(r -> r.getCode().equals("tables")), p.toString());
            assertEquals(Verdict.VERDICT_NO_GO, p.getVerdict());

            io.grpc.StatusRuntimeException bad = assertThrows(io.grpc.StatusRuntimeException.class, () -> h.client.planCopy(
                    PlanCopyRequest.newBuilder().setSampleChunks(101).setCopy(StartCopyRequest.getDefaultInstance()).build()));
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
            CopyCliIT.Run usage = csmhctl(h, "plan", "--sample-chunks", "0");
            assertEquals(2, usage.code(), usage.toString());
        }
    }


    /** csmhctl against this harness's agent, as CopyCliIT runs it (not on a terminal). */
    private static CopyCliIT.Run csmhctl(CopyHarness h, String... args) {
        return CopyCliIT.run(h, false, args);
    }
}
