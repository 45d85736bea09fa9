package org.csmh.agent.it;

import static org.csmh.agent.it.CopyIT.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobAction;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An old table whose ids have a hole of fifty million (an AUTO_INCREMENT raised by hand, or ranges an earlier
 * clean-up deleted): copy by both write paths, verify and purge each fold the hole into one chunk instead of walking
 * it at the pace, which here (500 ids, 300 ms apart) would take eight hours; a copy's final recount over the whole
 * range steps over it too (100,000 empty chunks, each with a throttle reading and two counts: 48 s). A row the copy holds inside the old
 * table's hole is no hole to the verify: it finds it.
 */
class IdHolesIT {
    private static final long HOLE = 50_000_000;
    private static final Pace PACE = Pace.newBuilder().setChunkSize(500).setSleepMs(300).build();

    @TempDir
    Path dir;

    @Test
    void copyVerifyAndPurgeStepOverAHoleInTheIds() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000).startInProcess()) {
            long rows = TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh());
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET id = id + " + HOLE + " WHERE id > 1000 ORDER BY id DESC");
            long max = TestDatabases.queryLong(h.source, "SELECT MAX(id) FROM " + h.csmh());
            h.configureTarget();

            for (CopyStatement statement : new CopyStatement[] {CopyStatement.COPY_STATEMENT_BULK, CopyStatement.COPY_STATEMENT_SIMPLE_INSERTS}) {
                TestDatabases.execute(h.target, "TRUNCATE TABLE " + h.csmhe(), "ALTER TABLE " + h.csmhe() + " AUTO_INCREMENT = " + (max + 10_000));
                Job copied = ended(h, h.client.startCopy(copy(PACE).toBuilder().setStatement(statement).build()));
                assertEquals(JobState.JOB_STATE_SUCCEEDED, copied.getState(), statement + ": " + copied);
                assertEquals(max, copied.getRangeEnd());
                assertEquals(rows, copied.getRowsDone(), statement.toString());
                assertEquals(rows, CopyIT.sameRows(h), statement.toString());
                // 3,000 rows in 500-id chunks: two chunks to the hole, one over it, four after (the seeder leaves gaps).
                assertTrue(copied.getChunksDone() <= 10, statement + " walked the hole: " + copied.getChunksDone() + " chunks");
            }
            // Copying again over what another job copied: no chunk to copy, but the final recount covers the whole
            // range (it cannot know what that job saw), hole and all.
            Job again = ended(h, h.client.startCopy(copy(PACE)));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, again.getState(), again.toString());
            assertTrue(again.getSettle().contains("recounted ids 1.." + max + ": 0 late rows copied"), again.getSettle());
            // Walking the hole's 100,000 empty chunks took 48 s here (a throttle reading and two counts each).
            Duration took = Duration.between(Instant.parse(again.getCreatedAt()), Instant.parse(again.getFinishedAt()));
            assertTrue(took.toSeconds() < 15, "the recount walked the hole: " + took);

            Job verified = ended(h, h.client.startVerify(StartVerifyRequest.newBuilder().setPace(PACE).build()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, verified.getState(), verified.toString());
            assertEquals(rows, verified.getRowsDone());
            assertTrue(verified.getChunksDone() <= 10, "the verify walked the hole: " + verified.getChunksDone() + " chunks");

            // A row in CSMHE where the old table has none: the verify stops there instead of skipping past it.
            long stray = HOLE / 2;
            TestDatabases.execute(h.target, "INSERT INTO " + h.csmhe() + " (id, state, grade, max_grade, created, student_module_id, version)"
                    + " SELECT " + stray + ", state, grade, max_grade, created, student_module_id, version FROM " + h.csmhe() + " WHERE id = 1");
            Job differs = ended(h, h.client.startVerify(StartVerifyRequest.newBuilder().setPace(PACE).build()));
            assertEquals(JobState.JOB_STATE_FAILED, differs.getState(), differs.toString());
            assertEquals(1, differs.getMismatchedRows(), differs.toString());
            assertTrue(differs.getMismatches(0).getRangeStart() <= stray && stray <= differs.getMismatches(0).getRangeEnd(), differs.toString());
            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe() + " WHERE id = " + stray);

            Job purged = ended(h, h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true).setPace(PACE).build()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, purged.getState(), purged.toString());
            assertEquals(rows, purged.getRowsDone());
            assertTrue(purged.getChunksDone() <= 10, "the purge walked the hole: " + purged.getChunksDone() + " chunks");
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(rows, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), TableNames.CSMHE + " keeps every row");
        }
    }

    /** The job once it has ended; a job still walking after a minute is cancelled and fails the test (walking the hole takes hours). */
    private static Job ended(CopyHarness h, Job started) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        Job j = h.client.getJob(started.getId());
        while (!JobHandle.isTerminal(j.getState())) {
            if (System.currentTimeMillis() > deadline) {
                h.client.control(ControlJobRequest.newBuilder().setId(j.getId()).setAction(JobAction.JOB_ACTION_CANCEL).build());
                throw new AssertionError("still running after 60 s: " + j);
            }
            Thread.sleep(100);
            j = h.client.getJob(started.getId());
        }
        return j;
    }
}
