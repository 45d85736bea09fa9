package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A late commit without PROCESS: with the LMS's own account the copy cannot see open transactions and trusts
 * settle_seconds; a transaction that took an id in the middle of the range and commits long after that wait left a
 * hole when its chunk was copied. The copy keeps the holes it passed and recounts them before success, so the row is
 * in CSMHE when the job says SUCCEEDED, on both write paths.
 */
class LateHolesIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = CopyStatement.class, names = {"COPY_STATEMENT_SIMPLE_INSERTS", "COPY_STATEMENT_BULK"})
    void aRowCommittedInAHoleLongAfterSettleSecondsIsCopiedBeforeSuccess(CopyStatement statement) throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000, false).startInProcess();
             Connection lms = new ConnectionFactory(5000).open(TestDatabases.root().withDatabase(h.sourceDb))) {
            h.configureTarget();
            // configuration's default: the CSMH user is the LMS's own account, provisioned on the new database too.
            TestDatabases.execute(TestDatabases.root(), "GRANT ALL PRIVILEGES ON `" + h.targetDb + "`.* TO 'csmh_lms'@'%'");
            // An LMS request took id 1500 and holds it uncommitted; the rows after it committed long ago.
            TestDatabases.execute(TestDatabases.root(), "DELETE FROM " + h.csmh() + " WHERE id = 1500");
            lms.setAutoCommit(false);
            try (Statement st = lms.createStatement()) {
                st.executeUpdate("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
                st.executeUpdate("INSERT INTO " + h.csmh() + " (id, version, created, state, grade, max_grade, student_module_id)"
                        + " VALUES (1500, 'late', NOW(6), '{\"late\": 1}', 1, 1, 42)");
            }
            long t0 = System.currentTimeMillis();
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleSeconds(5).setStatement(statement)
                    .setPace(Pace.newBuilder().setChunkSize(300).setSleepMs(250).setMaxThreadsRunning(1000)).build());
            Job passed = statement == CopyStatement.COPY_STATEMENT_BULK ? h.client.getJob(job.getId()) : h.awaitProgress(job.getId(), 1_800, 60_000);
            // The late commit: after the start's 5 s wait, after its chunk was read where the reader does not wait for it.
            Thread.sleep(Math.max(0, 7_000 - (System.currentTimeMillis() - t0)));
            lms.commit();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 90_000);
            assertEquals(1, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE id = 1500 AND version = 'late'"),
                    done.toString());
            assertEquals(3_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
            assertEquals(3_000, done.getRowsDone(), done.toString());
            if (statement == CopyStatement.COPY_STATEMENT_SIMPLE_INSERTS) {
                // The reader read past id 1500 while it was held: a hole, recounted before success.
                assertTrue(passed.getHolesList().stream().anyMatch(s -> s.getFirst() <= 1500 && s.getLast() >= 1500), passed.toString());
                assertTrue(done.getSettle().contains("ids the copy passed empty below 3001") && done.getSettle().contains(": 1 late row copied"),
                        done.getSettle());
                assertEquals(0, done.getHoleIds(), done.toString());
            }
        }
    }
}
