package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CSMHE as Django leaves it on the student_module_history database (migration 0001's AUTO_INCREMENT bump does not run
 * there): the table numbers from 1 and the LMS has already written history rows over ids the old table holds.
 * Status names them, a copy is refused (before, counts matched and the copy resumed above them, silently skipping the
 * old rows 1..k), and the statements the refusal gives make the copy and verify pass with every row kept.
 */
class OldIdRowsIT {
    private static final int OLD_ROWS = 3_000;
    private static final int LMS_ROWS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void rowsTheLmsWroteAtOldIdsAreNamedAndNeverCopiedOver(SandboxEngine engine) throws Exception {
        var root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, OLD_ROWS).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe(), HistoryTables.createCsmhe(h.targetDb));
            StringBuilder lms = new StringBuilder("INSERT INTO " + h.csmhe() + " (version, created, state, grade, max_grade, student_module_id) VALUES ");
            for (int i = 0; i < LMS_ROWS; i++) {
                lms.append(i == 0 ? "" : ", ").append("('lms', NOW(6), '{\"new\": ").append(i).append("}', NULL, NULL, ").append(900_000 + i).append(')');
            }
            TestDatabases.execute(h.target, lms.toString());

            Check found = checks(h).get("old_ids");
            assertEquals(CheckState.CHECK_STATE_FAILED, found.getState(), found.toString());
            assertEquals("1", found.getFieldsMap().get("lowest"));
            assertEquals(Integer.toString(LMS_ROWS), found.getFieldsMap().get("highest"));

            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode(), refused.getStatus().toString());
            String why = refused.getStatus().getDescription();
            assertTrue(why.contains("ids 1.." + LMS_ROWS) && why.contains("max(id) " + OLD_ROWS), why);
            assertEquals(0, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE version IS NULL OR version <> 'lms'"),
                    "nothing was copied");

            // What the operator is told to run, run as given (qualified with the database, as a client would be connected to it).
            String remedy = why.substring(why.indexOf("ALTER TABLE"), why.indexOf(" (the ALTER first"));
            List<String> statements = List.of(remedy.split("; "));
            TestDatabases.execute(h.target.withDatabase(h.targetDb), statements.toArray(String[]::new));
            assertEquals(CheckState.CHECK_STATE_OK, checks(h).get("old_ids").getState());

            Job copy = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(0)).build());
            Job copied = last(h.watch(copy.getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, copied.getState(), copied.toString());
            assertEquals(OLD_ROWS, copied.getRowsDone());
            Job verified = last(h.watch(h.client.startVerify(StartVerifyRequest.newBuilder().build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, verified.getState(), verified.toString());
            assertEquals(0, verified.getMismatchedRows());
            assertEquals(LMS_ROWS, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE version = 'lms' AND id > " + OLD_ROWS),
                    "the LMS's rows were kept, above the old ids");
            Check ok = checks(h).get("old_ids");
            assertEquals(CheckState.CHECK_STATE_OK, ok.getState(), ok.toString());
            assertTrue(ok.getDetail().contains("copies of the old rows"), ok.getDetail());
        }
    }

    private static Map<String, Check> checks(CopyHarness h) {
        return h.client.status(GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                .collect(Collectors.toMap(Check::getId, c -> c, (a, b) -> a));
    }

    private static Job last(List<Job> seen) {
        return seen.get(seen.size() - 1);
    }
}
