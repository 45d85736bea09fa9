package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-server copies between the engines that meet in the field: MariaDB -> MariaDB, MariaDB -> MySQL 8 (its
 * default local_infile=OFF, as Tutor runs it), MySQL 8 -> MySQL 8. Each copy is proven by a verify across the pair.
 */
class CrossEngineIT {
    @TempDir
    Path dir;

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(SandboxEngine.MARIADB_10_11, SandboxEngine.MARIADB_11_4),
                Arguments.of(SandboxEngine.MARIADB_10_11, SandboxEngine.MYSQL_8_0),
                Arguments.of(SandboxEngine.MYSQL_8_0, SandboxEngine.MYSQL_8_0));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void copyAcrossServersAndVerify(SandboxEngine from, SandboxEngine to) throws Exception {
        Endpoint source = EngineMatrixIT.root(from);
        Endpoint target = from == to ? EngineMatrixIT.second(to).rootEndpoint() : EngineMatrixIT.root(to);
        try (CopyHarness h = new CopyHarness(dir, source, target, 12_000).startInProcess()) {
            h.configureTarget();
            // Values whose text differs most between engines: both must copy them exactly and checksum them alike.
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET grade = 1/3, max_grade = 1e-300, created = '2020-02-29 23:59:59.999999'"
                    + " WHERE id = 1", "UPDATE " + h.csmh() + " SET grade = 0.1 + 0.2, max_grade = 1.7976931348623157e308, state = 'caf\u00e9 \u2713'"
                    + " WHERE id = 2", "UPDATE " + h.csmh() + " SET grade = -0.0, max_grade = 123456789012345680000 WHERE id = 3");
            // Into MariaDB 11.4 the bulk statement (LOAD DATA LOCAL) is asked for; elsewhere the copy picks its own.
            CopyStatement statement = to == SandboxEngine.MARIADB_11_4 ? CopyStatement.COPY_STATEMENT_BULK : CopyStatement.COPY_STATEMENT_AUTO;
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setStatement(statement)
                    .setPace(Pace.newBuilder().setChunkSize(2_000).setSleepMs(0)).build());
            assertEquals(CopyMode.COPY_MODE_CROSS_SERVER, job.getMode());
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(12_000, done.getRowsDone(), done.toString());
            assertTrue(done.getWritePath().startsWith(to.isMySql() ? "multi-row INSERT (the target has local_infile=OFF"
                    : statement == CopyStatement.COPY_STATEMENT_BULK ? "LOAD DATA LOCAL"
                    : "multi-row INSERT..VALUES with explicit ids, server-side prepared (innodb_autoinc_lock_mode=1"), done.getWritePath());
            CopyFaultIT.assertVerified(h, 12_000);
            for (String col : new String[] {"grade", "max_grade"}) {
                for (int id = 1; id <= 3; id++) {
                    // HEX() of a DOUBLE goes through BIGINT (and saturates differently per engine): compare the doubles.
                    String q = "SELECT " + col + " FROM %s WHERE id = " + id;
                    assertEquals(Double.doubleToRawLongBits(Double.parseDouble(TestDatabases.queryString(h.source, q.formatted(h.csmh())))),
                            Double.doubleToRawLongBits(Double.parseDouble(TestDatabases.queryString(h.target, q.formatted(h.csmhe())))),
                            col + " of id " + id);
                }
            }
            for (String col : new String[] {"created", "state"}) {
                for (int id = 1; id <= 3; id++) {
                    assertEquals(TestDatabases.queryString(h.source, "SELECT HEX(" + col + ") FROM " + h.csmh() + " WHERE id = " + id),
                            TestDatabases.queryString(h.target, "SELECT HEX(" + col + ") FROM " + h.csmhe() + " WHERE id = " + id), col + " of id " + id);
                }
            }
        }
    }
}
