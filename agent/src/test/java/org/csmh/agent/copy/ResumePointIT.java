package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.sandbox.HistorySeeder;
import org.csmh.agent.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The resume point is trusted only when the ids below it hold the old rows: as many rows is not enough. Rows the LMS
 * wrote with ids 1..k (a Django-made CSMHE) count the same as the old rows 1..k; a check by count (the code before
 * this one) let the copy resume above them and skip the old rows for good.
 */
class ResumePointIT {
    @Test
    void rowsBelowTheResumePointMustBeTheOldRowsNotJustAsMany() throws Exception {
        Endpoint root = TestDatabases.root();
        String src = "rp_src_" + ProcessHandle.current().pid();
        String dst = "rp_dst_" + ProcessHandle.current().pid();
        HistorySeeder.seed(root, src, 500, null);
        Tables tables = new Tables(src, dst);
        TestDatabases.execute(root, "CREATE DATABASE " + dst, HistoryTables.createCsmhe(dst),
                "INSERT INTO " + tables.csmhe() + " (id, version, created, state, grade, max_grade, student_module_id) SELECT id, version, created,"
                        + " state, grade, max_grade, student_module_id FROM " + tables.csmh() + " WHERE id <= 300");
        try (Connection c = new ConnectionFactory(5000).open(root)) {
            assertDoesNotThrow(() -> CopyRunner.checkResumePoint(c, c, tables, 1, 300, 100), "a true copy resumes");
            // A row missing (a late commit an earlier copy missed): copying again is the remedy, so it resumes.
            TestDatabases.execute(root, "DELETE FROM " + tables.csmhe() + " WHERE id = 280");
            assertDoesNotThrow(() -> CopyRunner.checkResumePoint(c, c, tables, 1, 300, 100), "rows only missing are copied by the recount");
            TestDatabases.execute(root, "INSERT INTO " + tables.csmhe() + " (id, version, created, state, grade, max_grade, student_module_id)"
                    + " SELECT id, version, created, state, grade, max_grade, student_module_id FROM " + tables.csmh() + " WHERE id = 280");

            // Same ids, same count, other content: what the LMS writes into a table numbering from 1.
            TestDatabases.execute(root, "UPDATE " + tables.csmhe() + " SET state = '{\"lms\": 1}', created = NOW(6) WHERE id = 250");
            JobFailure e = assertThrows(JobFailure.class, () -> CopyRunner.checkResumePoint(c, c, tables, 1, 300, 100));
            assertTrue(e.getMessage().contains("ids 201..300 hold 100 rows in the target, 100 in the source, and they differ"), e.getMessage());
        } finally {
            TestDatabases.execute(root, "DROP DATABASE " + src, "DROP DATABASE " + dst);
        }
    }
}
