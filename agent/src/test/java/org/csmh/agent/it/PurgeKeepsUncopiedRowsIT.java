package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.purge.PurgeRunner;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.IdSpan;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.StepState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing leaves the old table unless CSMHE holds it, checked at the moment of deletion: a row a worker still running
 * with the old settings writes after the cutover, a row whose content differs between the tables, and a row
 * committed late while a TRUNCATE waits. Both ways a chunk decides: one DELETE joined to CSMHE (an account that reads
 * both databases) and the two sides' hashes compared (the LMS's own account, which cannot read CSMHE).
 */
class PurgeKeepsUncopiedRowsIT {
    @TempDir
    Path dir;

    private static Pace fast(int chunk) {
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(0).build();
    }

    /** Copied, verified and cut over, as a site is when its operator purges. */
    private static void copyVerifyCutover(CopyHarness h) throws InterruptedException {
        h.configureTarget();
        h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleSeconds(0).setPace(fast(1_000)).build()).getId(),
                JobState.JOB_STATE_SUCCEEDED, 60_000);
        verify(h);
        assertTrue(h.client.cutover(CutoverRequest.getDefaultInstance()).getChanged());
    }

    private static void verify(CopyHarness h) throws InterruptedException {
        h.awaitState(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(1_000)).build()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
    }

    private static long oldRows(CopyHarness h, String where) {
        return TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh() + (where.isEmpty() ? "" : " WHERE " + where));
    }

    /** A row as a worker that was never restarted writes it: into the old table, after the cutover. */
    private static long lateRow(CopyHarness h) {
        TestDatabases.execute(h.source, "INSERT INTO " + h.csmh() + " (version, created, state, grade, max_grade, student_module_id)"
                + " VALUES ('late', NOW(6), '{\"late\": true}', 1, 1, 77)");
        return TestDatabases.queryLong(h.source, "SELECT MAX(id) FROM " + h.csmh());
    }

    @ParameterizedTest(name = "joined DELETE: {0}")
    @ValueSource(booleans = {true, false})
    void aRowWrittenAfterTheCutoverSurvivesEveryPurgeUntilItIsCopied(boolean joined) throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000, joined).startInProcess()) {
            copyVerifyCutover(h);
            long late = lateRow(h);
            assertEquals(3_001, late);
            // Status names the growth, and the purge step waits for a copy and a verify of it.
            org.csmh.proto.v1.Step step = h.step("purge");
            assertEquals(StepState.STEP_STATE_BLOCKED, step.getState(), step.toString());
            assertTrue(step.getDetail().contains("written to the old table after copy") && step.getDetail().contains("ids 3001..3001"), step.getDetail());
            // TRUNCATE: refused up front, the row no verify saw named.
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("no passing verify covers old ids 1..3001"), refused.getStatus().getDescription());
            assertEquals(3_001, oldRows(h, ""));
            // DELETE: every copied row goes, the late one stays, and the job says so rather than succeeding.
            Job purge = h.awaitState(h.client.startPurge(StartPurgeRequest.newBuilder().setPace(fast(700)).build()).getId(), JobState.JOB_STATE_FAILED, 60_000);
            assertEquals(3_000, purge.getRowsDone());
            assertEquals(1, purge.getRowsKept());
            assertEquals(IdSpan.newBuilder().setFirst(late).setLast(late).setRows(1).build(), purge.getKept(0));
            assertTrue(purge.getError().startsWith("1 old row left in the old table at ids 3001: CSMHE does not hold them"), purge.getError());
            assertTrue(purge.getError().contains("copy again (csmhctl copy), verify, then purge again"), purge.getError());
            assertTrue(purge.getWritePath().startsWith(PurgeRunner.DELETE_PREFIX + (joined ? " joined to CSMHE" : " of the ids whose rows CSMHE holds")),
                    purge.getWritePath());
            assertEquals(1, oldRows(h, "id = " + late));
            assertEquals(1, oldRows(h, ""));
            // The remedy works: copy again, verify, purge again.
            Job copy = h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleSeconds(0).setPace(fast(1_000)).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(1, copy.getRowsDone(), copy.toString());
            verify(h);
            assertEquals(StepState.STEP_STATE_TODO, h.step("purge").getState());
            Job again = h.awaitState(h.client.startPurge(StartPurgeRequest.newBuilder().setPace(fast(700)).build()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(1, again.getRowsDone());
            assertEquals(0, oldRows(h, ""));
            assertEquals(1, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE id = " + late + " AND version = 'late'"));
        }
    }

    @ParameterizedTest(name = "joined DELETE: {0}")
    @ValueSource(booleans = {true, false})
    void rowsThatDifferOrAreMissingInCsmheStay(boolean joined) throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000, joined).startInProcess()) {
            copyVerifyCutover(h);
            // Differences a _ci, PAD SPACE comparison would call equal, a NULL against '', and a row CSMHE lacks.
            TestDatabases.execute(h.target, "UPDATE " + h.csmhe() + " SET state = UPPER(state) WHERE id = 10",
                    "UPDATE " + h.csmhe() + " SET version = CONCAT(version, ' ') WHERE id = 21",
                    "UPDATE " + h.csmhe() + " SET version = '' WHERE id = 30",
                    "UPDATE " + h.csmh() + " SET version = NULL WHERE id = 30",
                    "DELETE FROM " + h.csmhe() + " WHERE id = 1500",
                    "UPDATE " + h.csmhe() + " SET grade = grade + 0.5 WHERE id = 1999");
            Job purge = h.awaitState(h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true).setPace(fast(1_000)).build()).getId(),
                    JobState.JOB_STATE_FAILED, 60_000);
            assertEquals(5, purge.getRowsKept(), purge.toString());
            assertEquals(1_995, purge.getRowsDone());
            assertEquals(5, oldRows(h, "id IN (10, 21, 30, 1500, 1999)"));
            assertEquals(5, oldRows(h, ""));
            assertEquals(2, purge.getKeptCount(), "a span per chunk: " + purge.getKeptList());
            assertEquals(IdSpan.newBuilder().setFirst(10).setLast(30).setRows(3).build(), purge.getKept(0));
            assertEquals(IdSpan.newBuilder().setFirst(1500).setLast(1999).setRows(2).build(), purge.getKept(1));
            assertTrue(purge.getError().startsWith("5 old rows left in the old table at ids 10..30, 1500..1999"), purge.getError());
        }
    }

    /**
     * A transaction that read the old table and wrote one more row to it holds the table while the TRUNCATE waits;
     * it commits; the TRUNCATE then counts what the table holds under its lock, finds the row no verify saw, and does
     * not run.
     */
    @Test
    void aRowCommittedWhileTheTruncateWaitsStopsIt() throws Exception {
        ConnectionFactory connections = new ConnectionFactory(5000);
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess();
             Connection worker = connections.open(h.source.withDatabase(h.sourceDb))) {
            copyVerifyCutover(h);
            // A hole the verify passed over (a row both tables lack), then the late commit into it: the largest id
            // and the coverage stay as the verify saw them, only the count tells.
            TestDatabases.execute(h.source, "DELETE FROM " + h.csmh() + " WHERE id = 1000", "DELETE FROM " + h.csmhe() + " WHERE id = 1000");
            verify(h);
            worker.setAutoCommit(false);
            try (Statement st = worker.createStatement()) {
                st.executeUpdate("INSERT INTO " + h.csmh() + " (id, created, student_module_id) VALUES (1000, NOW(6), 5)");
            }
            Job t = h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build());
            Job waiting = h.client.getJob(t.getId());
            for (long end = System.currentTimeMillis() + 30_000; !waiting.getThrottleReason().contains("metadata lock")
                    && System.currentTimeMillis() < end; waiting = h.client.getJob(t.getId())) {
                Thread.sleep(50);
            }
            assertTrue(waiting.getThrottleReason().contains("metadata lock"), waiting.toString());
            worker.commit();
            Job failed = h.awaitState(t.getId(), JobState.JOB_STATE_FAILED, 60_000);
            assertTrue(failed.getError().startsWith("not truncated: the old table holds 2000 rows at ids 1..2000 where verify"), failed.getError());
            assertTrue(failed.getError().contains("compared 1999 over ids 1..2000"), failed.getError());
            assertEquals(2_000, oldRows(h, ""));
            // Copied and verified, it may go.
            h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleSeconds(0).setPace(fast(1_000)).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 60_000);
            verify(h);
            Job done = h.awaitState(h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(2_000, done.getRowsDone());
            assertEquals(0, oldRows(h, ""));
            assertEquals(2_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
        }
    }
}
