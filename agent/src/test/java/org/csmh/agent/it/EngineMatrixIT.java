package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The procedure's job paths on every engine Open edX runs: MariaDB 10.11 (Debian's), MariaDB 11.4 and MySQL 8.0 (from
 * their Maven artifacts), each at its own defaults. Cross-server pairs that matter are in {@link CrossEngineIT}.
 */
class EngineMatrixIT {
    @TempDir
    Path dir;

    static Endpoint root(SandboxEngine engine) {
        return engine == SandboxEngine.MARIADB_10_11 ? TestDatabases.root() : TestDatabases.server(engine, "first").rootEndpoint();
    }

    private static Pace fast(int chunk) {
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(0).build();
    }

    @ParameterizedTest
    @EnumSource(SandboxEngine.class)
    void provisionStatusCopyVerifyCutoverPurge(SandboxEngine engine) throws Exception {
        Endpoint root = root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 6_000).startInProcess()) {
            String db = AgentHarness.unique("csmh_m");
            String runtime = AgentHarness.unique("rt");
            ProvisionDatabaseResponse p = h.client.provision(ProvisionIT.request(db, runtime, AgentHarness.unique("mg"), "rt-pass").build());
            assertTrue(p.getChanged(), p.toString());
            assertFalse(h.client.provision(ProvisionIT.request(db, runtime, AgentHarness.unique("mg2"), "rt-pass").build()).getStatementsList()
                    .stream().anyMatch(s -> s.contains(runtime)), "idempotent for the runtime user");

            h.configureTarget();
            Map<String, Check> checks = h.client.status(GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                    .collect(Collectors.toMap(Check::getId, c -> c, (a, b) -> a));
            assertEquals(CheckState.CHECK_STATE_OK, checks.get("database_exists").getState(), checks.toString());
            assertEquals(CheckState.CHECK_STATE_OK, checks.get("auto_increment_gap").getState(), checks.toString());
            Map<String, String> server = checks.get("target_server").getFieldsMap();
            assertEquals(engine.isMySql() ? "MySQL" : "MariaDB", server.get("flavor"), server.toString());
            assertEquals(engine.isMySql() ? "OFF" : "ON", server.get("local_infile"), "each engine's default");
            assertEquals(engine.isMySql() ? "ROW" : "OFF", server.get("binlog_format"));
            assertEquals("OFF", server.get("read_only"));
            assertEquals(Long.toString(TestDatabases.queryLong(root, "SELECT @@max_allowed_packet")), server.get("max_allowed_packet"));
            assertTrue(checks.get("target_server").getDetail().contains(engine.isMySql() ? "multi-row INSERTs" : "LOAD DATA LOCAL"));
            // Late commits: the copy sees open transactions with PROCESS; without it each engine refuses (not an empty
            // list, which would read as "none open"), and the copy waits settle_seconds instead.
            assertEquals("true", checks.get("source_server").getFieldsMap().get("open_transactions_visible"), checks.get("source_server").toString());
            try (java.sql.Connection lms = new org.csmh.agent.mysql.ConnectionFactory(5000).open(CopyHarness.lmsAccount(root, h.sourceDb)
                    .withDatabase(h.sourceDb))) {
                assertFalse(new org.csmh.agent.mysql.Inspector(lms).seesOpenTransactions(), "INNODB_TRX refused without PROCESS");
            }
            assertEquals("utf8mb3", checks.get("old_table").getFieldsMap().get("charset").replace("utf8mb3", "utf8").replace("utf8", "utf8mb3"));
            assertEquals("utf8mb3", TestDatabases.queryString(root, "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA"
                    + " WHERE SCHEMA_NAME = '" + db + "'").replace("utf8mb3", "utf8").replace("utf8", "utf8mb3"), "the new database takes the old table's");

            if (engine.isMySql()) {
                // Same instance, statement-based binary log: INSERT..SELECT is unsafe there, so the copy is refused up front.
                TestDatabases.execute(root, "SET GLOBAL binlog_format = 'STATEMENT'");
                try {
                    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                            () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).build()));
                    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
                    assertTrue(refused.getStatus().getDescription().contains("binlog_format=STATEMENT"), refused.getStatus().getDescription());
                } finally {
                    TestDatabases.execute(root, "SET GLOBAL binlog_format = 'ROW'");
                }
            }

            Job copy = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(fast(1_000)).build());
            assertEquals(CopyMode.COPY_MODE_SAME_INSTANCE, copy.getMode());
            Job copied = h.awaitState(copy.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(6_000, copied.getRowsDone());
            assertTrue(copied.getSettle().contains("no open source transactions"), copied.getSettle());
            // The statement follows the server's innodb_autoinc_lock_mode: MariaDB's 1 would make INSERT..SELECT hold
            // CSMHE's table AUTO-INC lock per chunk, so simple inserts; MySQL 8's 2 has no such lock.
            long lockMode = TestDatabases.queryLong(h.target, "SELECT @@innodb_autoinc_lock_mode");
            assertTrue(copied.getWritePath().startsWith(lockMode == 1 ? "multi-row INSERT..VALUES with explicit ids, server-side prepared"
                    + " (innodb_autoinc_lock_mode=1" : "INSERT..SELECT per chunk (same instance)"), lockMode + ": " + copied.getWritePath());
            // Two writers (the default) where they can run together: simple inserts, and INSERT..SELECT under mode 2.
            assertTrue(copied.getWritePath().endsWith(lockMode == 0 ? "writers would take turns)" : "2 writers committing in id order"),
                    copied.getWritePath());

            StatusRuntimeException gate = assertThrows(StatusRuntimeException.class, () -> h.client.cutover(CutoverRequest.getDefaultInstance()));
            assertEquals(Status.Code.FAILED_PRECONDITION, gate.getStatus().getCode());
            CopyFaultIT.assertVerified(h, 6_000);
            assertTrue(h.client.cutover(CutoverRequest.getDefaultInstance()).getChanged());

            Job purge = h.client.startPurge(StartPurgeRequest.newBuilder().setPace(fast(1_000)).build());
            assertEquals(6_000, h.awaitState(purge.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000).getRowsDone());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            // MySQL 8 keeps the row estimate status read before the purge (information_schema_stats_expiry, a day):
            // an empty table says 0 rows all the same.
            Check emptied = h.client.status(GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                    .filter(c -> c.getId().equals("old_table")).findFirst().orElseThrow();
            assertEquals("rows: 0, max(id): none (empty)", emptied.getDetail());
            // A worker never restarted writes the old table after the cutover: neither purge removes that row until it
            // is copied and verified (the DELETE keeps it and says so; the TRUNCATE is refused), then the TRUNCATE
            // (under LOCK TABLES ... WRITE on every engine) empties the table.
            TestDatabases.execute(h.source, "INSERT INTO " + h.csmh() + " (created, student_module_id) VALUES (NOW(6), 1)");
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode(), refused.toString());
            Job kept = h.awaitState(h.client.startPurge(StartPurgeRequest.newBuilder().setPace(fast(1_000)).build()).getId(), JobState.JOB_STATE_FAILED, 60_000);
            assertEquals(1, kept.getRowsKept(), kept.toString());
            assertEquals(1, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(fast(1_000)).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 60_000);
            h.awaitState(h.client.startVerify(org.csmh.proto.v1.StartVerifyRequest.newBuilder().setPace(fast(1_000)).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 60_000);
            Job truncate = h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build());
            assertEquals(1, h.awaitState(truncate.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000).getRowsDone());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(6_001, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
            TestDatabases.execute(root, "DROP DATABASE " + db);
        }
    }

    @ParameterizedTest
    @EnumSource(SandboxEngine.class)
    void fleetLockAndThrottle(SandboxEngine engine) throws Exception {
        Endpoint root = root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 4_000).startInProcess()) {
            h.configureTarget();
            // Idle, the reading counts the query that reads it (and on MySQL 8 its event scheduler): that is the limit.
            int idle = Integer.parseInt(TestDatabases.queryString(h.target, "SELECT VARIABLE_VALUE FROM "
                    + (engine.isMySql() ? "performance_schema.global_status" : "information_schema.GLOBAL_STATUS") + " WHERE UPPER(VARIABLE_NAME) = 'THREADS_RUNNING'"));
            Thread busy = TestDatabases.busyFor(h.target, 2);
            Job first = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(500).setSleepMs(50).setMaxThreadsRunning(idle)).build());
            Job j = h.client.getJob(first.getId());
            for (long end = System.currentTimeMillis() + 10_000; !j.getThrottleReason().startsWith("Threads_running")
                    && System.currentTimeMillis() < end; j = h.client.getJob(first.getId())) {
                Thread.sleep(20);
            }
            assertTrue(j.getThrottleReason().matches("Threads_running \\d+ > " + idle), j.toString());
            StatusRuntimeException second = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, second.getStatus().getCode());
            busy.join();
            Job done = h.awaitState(first.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(4_000, done.getRowsDone());
        }
    }

    @ParameterizedTest
    @EnumSource(SandboxEngine.class)
    void agentKilledMidCopyResumes(SandboxEngine engine) throws Exception {
        Endpoint root = root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 20_000).startProcess()) {
            h.configureTarget();
            Job job = h.client.startCopy(CopyFaultIT.slowCopy());
            h.awaitProgress(job.getId(), 5_000, 60_000);
            h.killProcess();
            h.startProcess();
            Job resumed = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(20_000, resumed.getRowsDone());
            CopyFaultIT.assertVerified(h, 20_000);
        }
    }

    /** Kept for tests that need a server they may kill: one more sandbox of the engine. */
    static DatabaseSandbox second(SandboxEngine engine) {
        return engine == SandboxEngine.MARIADB_10_11 ? TestDatabases.secondSandbox() : TestDatabases.server(engine, "second");
    }
}
