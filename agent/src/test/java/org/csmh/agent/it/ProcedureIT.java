package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.purge.PurgeRunner;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.CutoverResponse;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.MigrationStep;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.RollbackRequest;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.Service;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations, the cutover gate, rollback and purge, through gRPC against real servers and real processes. */
class ProcedureIT {
    @TempDir
    Path dir;

    static Pace fast(int chunk) {
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(0).build();
    }

    static List<MigrationEvent> drain(Iterator<MigrationEvent> it) {
        List<MigrationEvent> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void migrationsRunTheConfiguredCommandsInOrderWithCredentialsInTheEnvironment() throws Exception {
        Path manage = dir.resolve("manage.py");
        Files.writeString(manage, """
                import os, sys
                print("args:", " ".join(sys.argv[1:]))
                print("user:", os.environ.get("DB_MIGRATION_USER"), "pass set:", bool(os.environ.get("DB_MIGRATION_PASS")))
                print("settings:", os.environ.get("EDX_PLATFORM_SETTINGS"), "lms_cfg:", os.environ.get("LMS_CFG"))
                print("connecting as", os.environ.get("DB_MIGRATION_USER"), "with", os.environ.get("DB_MIGRATION_PASS"))
                sys.exit(3 if sys.argv[4] == "broken" else 0)
                """);
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 100)) {
            Files.writeString(h.config, Files.readString(h.config) + """
                    migrations:
                      python: /usr/bin/python3
                      manage_py: %s
                      settings: production
                      aliases: [default, student_module_history, broken]
                      env: {LMS_CFG: /edx/etc/lms.yml}
                    """.formatted(manage));
            h.startInProcess();
            List<MigrationEvent> events;
            List<String> logged;
            try (org.csmh.agent.testing.LogCapture runnerLog = org.csmh.agent.testing.LogCapture.of(org.csmh.agent.migrate.MigrationRunner.class.getName())) {
                events = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder()
                        .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("default"))
                        .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_CMS).setAlias("student_module_history"))
                        .setDbMigrationUser("migrator").setDbMigrationPassword("mig-secret").build()));
                logged = runnerLog.messages();
            }
            List<String> text = events.stream().map(MigrationEvent::toString).toList();
            assertTrue(events.get(0).getStarted().endsWith("manage.py lms migrate --database default --noinput --settings production"), text.toString());
            assertTrue(events.stream().anyMatch(e -> e.getOutput().equals("user: migrator pass set: True")), text.toString());
            assertTrue(events.stream().anyMatch(e -> e.getOutput().equals("settings: production lms_cfg: /edx/etc/lms.yml")), text.toString());
            assertTrue(text.stream().noneMatch(t -> t.contains("mig-secret")), "password only in the environment");
            // A line that prints the password (a traceback could) shows it masked, to the caller and in the agent's log.
            assertTrue(events.stream().anyMatch(e -> e.getOutput().equals("connecting as migrator with ********")), text.toString());
            assertTrue(logged.stream().anyMatch(l -> l.startsWith("event=migration_output step=lms/default line=\"connecting as migrator with ********\"")),
                    logged.toString());
            assertTrue(logged.stream().noneMatch(l -> l.contains("mig-secret")), logged.toString());
            List<Integer> exits = events.stream().filter(e -> e.getEventCase() == MigrationEvent.EventCase.EXIT_CODE).map(MigrationEvent::getExitCode).toList();
            assertEquals(List.of(0, 0), exits);
            assertEquals(Service.SERVICE_CMS, events.get(events.size() - 1).getStep().getService());

            // A failing step stops the run: the next step never starts.
            List<MigrationEvent> failing = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder()
                    .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("broken"))
                    .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_CMS).setAlias("default")).build()));
            assertEquals(3, failing.get(failing.size() - 1).getExitCode());
            assertTrue(failing.stream().noneMatch(e -> e.getStep().getService() == Service.SERVICE_CMS));

            StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> drain(h.client.runMigrations(RunMigrationsRequest.newBuilder()
                    .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("default; rm -rf /")).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
            assertTrue(bad.getStatus().getDescription().contains("is not one the agent migrates"));
        }
    }

    /**
     * edx-platform's production settings apply DB_MIGRATION_NAME/HOST/PORT/ENGINE to every alias but read_replica:
     * left in the agent's environment, they would point student_module_history at edxapp. The child never sees them,
     * and the run says so first; the user and password the request gives still reach it.
     */
    @Test
    void dbMigrationAliasVariablesInTheAgentsEnvironmentAreNotPassedOn() throws Exception {
        Path manage = dir.resolve("manage.py");
        Files.writeString(manage, """
                import os
                for k in ("DB_MIGRATION_NAME", "DB_MIGRATION_HOST", "DB_MIGRATION_PORT", "DB_MIGRATION_ENGINE", "DB_MIGRATION_USER"):
                    print(k, os.environ.get(k))
                """);
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 10)) {
            Files.writeString(h.config, Files.readString(h.config) + """
                    migrations:
                      python: /usr/bin/python3
                      manage_py: %s
                      settings: production
                      aliases: [default, student_module_history]
                      env: {DB_MIGRATION_PORT: '3307'}
                    """.formatted(manage));
            h.processEnv.putAll(java.util.Map.of("DB_MIGRATION_NAME", "edxapp", "DB_MIGRATION_HOST", "db.internal",
                    "DB_MIGRATION_ENGINE", "django.db.backends.mysql"));
            h.startProcess();
            List<MigrationEvent> events = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder()
                    .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("student_module_history"))
                    .setDbMigrationUser("migrator").setDbMigrationPassword("mig-secret").build()));
            List<String> text = events.stream().map(MigrationEvent::toString).toList();
            assertTrue(events.get(1).getOutput().startsWith("removed DB_MIGRATION_NAME, DB_MIGRATION_HOST, DB_MIGRATION_PORT, DB_MIGRATION_ENGINE"
                    + " from the environment"), text.toString());
            List<String> out = events.stream().map(MigrationEvent::getOutput).toList();
            for (String k : List.of("DB_MIGRATION_NAME", "DB_MIGRATION_HOST", "DB_MIGRATION_PORT", "DB_MIGRATION_ENGINE")) {
                assertTrue(out.contains(k + " None"), text.toString());
            }
            assertTrue(out.contains("DB_MIGRATION_USER migrator"), text.toString());
        }
    }

    @Test
    void withoutDjangoCreatesCsmheAboveTheOldIdsOnce() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 1_234).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe());
            List<MigrationEvent> first = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()));
            assertTrue(first.get(first.size() - 1).getChanged());
            assertEquals(11_234, TestDatabases.queryLong(h.target, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + h.targetDb + "' AND TABLE_NAME = '" + TableNames.CSMHE + "'"));
            List<MigrationEvent> again = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()));
            assertFalse(again.get(again.size() - 1).getChanged());
        }
    }

    @Test
    void cutoverWaitsForAPassingVerifyAndPurgeWaitsForCutover() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 5_000).startInProcess()) {
            h.configureTarget();
            StatusRuntimeException noVerify = assertThrows(StatusRuntimeException.class, () -> h.client.cutover(CutoverRequest.getDefaultInstance()));
            assertEquals(Status.Code.FAILED_PRECONDITION, noVerify.getStatus().getCode());
            assertTrue(noVerify.getStatus().getDescription().contains("no passing verify covers old ids 1..5000"), noVerify.getStatus().getDescription());

            Job copy = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(fast(2000)).build());
            h.awaitState(copy.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            StatusRuntimeException stillNoVerify = assertThrows(StatusRuntimeException.class, () -> h.client.cutover(CutoverRequest.getDefaultInstance()));
            assertEquals(Status.Code.FAILED_PRECONDITION, stillNoVerify.getStatus().getCode());

            StatusRuntimeException early = assertThrows(StatusRuntimeException.class, () -> h.client.startPurge(StartPurgeRequest.getDefaultInstance()));
            assertEquals(Status.Code.FAILED_PRECONDITION, early.getStatus().getCode());
            assertTrue(early.getStatus().getDescription().contains("still reads the old table"), early.getStatus().getDescription());

            Job verify = h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(2500)).build());
            h.awaitState(verify.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            CutoverResponse dry = h.client.cutover(CutoverRequest.newBuilder().setDryRun(true).build());
            assertTrue(dry.getSettings().getFiles(0).getDiff().contains("+    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false"), dry.toString());
            assertFalse(Files.readString(dir.resolve("lms.yml")).contains("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false"));
            CutoverResponse cut = h.client.cutover(CutoverRequest.getDefaultInstance());
            assertEquals(verify.getId(), cut.getVerifyJobId());
            assertTrue(Files.readString(dir.resolve("lms.yml")).contains("    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false\n"));
            assertTrue(Files.readString(dir.resolve("cms.yml")).contains("    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false\n"));
            assertFalse(h.client.cutover(CutoverRequest.getDefaultInstance()).getChanged(), "second cutover changes nothing");

            CutoverResponse back = h.client.rollback(RollbackRequest.getDefaultInstance());
            assertTrue(back.getChanged());
            assertTrue(Files.readString(dir.resolve("lms.yml")).contains("    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true\n"));
            assertThrows(StatusRuntimeException.class, () -> h.client.startPurge(StartPurgeRequest.getDefaultInstance()));
            h.client.cutover(CutoverRequest.getDefaultInstance());

            Job purge = h.client.startPurge(StartPurgeRequest.newBuilder().setPace(fast(700)).build());
            Job purged = h.awaitState(purge.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(5_000, purged.getRowsDone());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(5_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "the new table is untouched");
            // The chunked DELETE leaves the table's file as large as it was: status says how to give the space back.
            assertTrue(purged.getWritePath().startsWith(PurgeRunner.DELETE_PREFIX + " joined to CSMHE on the id and every column"), purged.getWritePath());
            org.csmh.proto.v1.Step step = h.step("purge");
            assertEquals(org.csmh.proto.v1.StepState.STEP_STATE_DONE, step.getState());
            assertTrue(step.getDetail().contains("left the table's file at its size: csmhctl purge --truncate"), step.getDetail());
            long emptiedFile = fileSize(h);
            Job truncated = h.awaitState(h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 30_000);
            assertEquals(PurgeRunner.TRUNCATE_PATH, truncated.getWritePath());
            assertEquals(0, truncated.getRowsDone());
            assertEquals("no old rows left", h.step("purge").getDetail());
            long truncatedFile = fileSize(h);
            assertTrue(truncatedFile < emptiedFile, "the TRUNCATE gave space back: " + emptiedFile + " -> " + truncatedFile + " bytes");
        }
    }

    /** The old table's file on disk (MariaDB's view of its own tablespaces). */
    private static long fileSize(CopyHarness h) {
        return TestDatabases.queryLong(h.source, "SELECT FILE_SIZE FROM information_schema.INNODB_SYS_TABLESPACES WHERE NAME = '"
                + h.sourceDb + "/" + TableNames.CSMH + "'");
    }

    @Test
    void forcedCutoverAndTruncate() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess()) {
            h.configureTarget();
            CutoverResponse forced = h.client.cutover(CutoverRequest.newBuilder().setForce(true).build());
            assertTrue(forced.getChanged());
            assertEquals("", forced.getVerifyJobId());
            // Nothing was copied: a TRUNCATE would lose every row, so only the operator's explicit discard runs it.
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().startsWith("TRUNCATE would remove rows no verify found in CSMHE (no passing verify"
                    + " covers old ids 1..2000)"), refused.getStatus().getDescription());
            assertEquals(2_000, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            Job t = h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).setDiscardUncopied(true).build());
            Job done = h.awaitState(t.getId(), JobState.JOB_STATE_SUCCEEDED, 30_000);
            assertEquals(2_000, done.getRowsDone());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> h.client.startPurge(StartPurgeRequest.newBuilder().setMethodValue(9).build())).getStatus().getCode());
        }
    }

    /**
     * A TRUNCATE waits for every open transaction that read the table (here one that stands for a backup's
     * snapshot), and every new query on the table would queue behind it: it waits a few seconds at a time and lets
     * go in between, says why, and goes through once the transaction ends.
     */
    @Test
    void aTruncateBehindAnOpenTransactionLetsQueriesThrough() throws Exception {
        ConnectionFactory connections = new ConnectionFactory(5000);
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess();
             Connection holder = connections.open(h.source.withDatabase(h.sourceDb)); Connection reader = connections.open(h.source.withDatabase(h.sourceDb))) {
            h.configureTarget();
            h.client.cutover(CutoverRequest.newBuilder().setForce(true).build());
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + h.csmh())) {
                rs.next();   // the transaction now holds the table's metadata lock (shared) until it ends
            }
            Job t = h.client.startPurge(StartPurgeRequest.newBuilder().setMethod(PurgeMethod.PURGE_METHOD_TRUNCATE).setDiscardUncopied(true).build());
            Job waiting = h.client.getJob(t.getId());
            for (long end = System.currentTimeMillis() + 30_000; !waiting.getThrottleReason().contains("metadata lock")
                    && System.currentTimeMillis() < end; waiting = h.client.getJob(t.getId())) {
                Thread.sleep(50);
            }
            assertTrue(waiting.getThrottleReason().contains("TRUNCATE TABLE waited 5 s for the table's metadata lock"), waiting.toString());
            assertEquals(JobState.JOB_STATE_RUNNING, waiting.getState(), waiting.toString());
            // A query on the table waits at most one of the TRUNCATE's tries, not until the transaction ends.
            try (Statement st = reader.createStatement()) {
                st.setQueryTimeout(15);
                long t0 = System.nanoTime();
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + h.csmh())) {
                    rs.next();
                    assertEquals(2_000, rs.getLong(1));
                }
                assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "the query waited " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            holder.commit();
            Job done = h.awaitState(t.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(2_000, done.getRowsDone());
            assertEquals("", done.getThrottleReason());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
        }
    }

    @Test
    void purgeKilledMidwayResumesAfterRestart() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 30_000).startProcess()) {
            h.configureTarget();
            Job copy = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(fast(5000)).build());
            h.awaitState(copy.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            h.client.cutover(CutoverRequest.newBuilder().setForce(true).build());
            Job purge = h.client.startPurge(StartPurgeRequest.newBuilder().setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(60)).build());
            h.awaitProgress(purge.getId(), 6_000, 60_000);
            h.killProcess();
            long left = TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh());
            assertTrue(left > 0 && left < 30_000, "killed midway: " + left);
            h.startProcess();
            Job done = h.awaitState(purge.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(30_000, done.getCurrentId());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(30_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
        }
    }
}
