package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.DjangoScript;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After the agent creates CSMHE without Django, the next deploy's real {@code migrate --database
 * student_module_history} is a no-op: Debian's Django runs it over a project with edx-platform's migration graph for
 * CSMHE (history_project/) and must neither fail nor touch the table. Without the records the same run fails with
 * 1050 (the control), and the django_migrations table the agent creates is the one Django's MigrationRecorder makes.
 */
class DjangoMigrationsIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void aLaterRealMigrateIsANoOp(SandboxEngine engine) throws Exception {
        Path project = copyProject();
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 500).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe());
            List<MigrationEvent> ran = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()));
            assertTrue(ran.get(ran.size() - 1).getChanged());
            assertEquals(CheckState.CHECK_STATE_OK, check(h, "migrations_recorded").getState());
            String ours = TestDatabases.queryString(h.target, "SHOW CREATE TABLE " + h.targetDb + ".django_migrations", 2);
            String table = TestDatabases.queryString(h.target, "SHOW CREATE TABLE " + h.csmhe(), 2);

            String out = django(project, "migrate", h.target, h.targetDb);
            assertTrue(out.contains("exit=0"), out);
            assertTrue(!out.contains("Applying coursewarehistoryextended"), out);
            assertEquals(table, TestDatabases.queryString(h.target, "SHOW CREATE TABLE " + h.csmhe(), 2), "the table was not touched");
            assertEquals(3, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.targetDb
                    + ".django_migrations WHERE app = 'coursewarehistoryextended'"), "recorded once, not again");

            // The control: what an agent that recorded nothing left behind fails the deploy's migrate with 1050.
            TestDatabases.execute(h.target, "DELETE FROM " + h.targetDb + ".django_migrations");
            Check missing = check(h, "migrations_recorded");
            assertEquals(CheckState.CHECK_STATE_FAILED, missing.getState(), missing.toString());
            assertTrue(missing.getDetail().contains("coursewarehistoryextended.0001_initial"), missing.getDetail());
            String failed = django(project, "migrate", h.target, h.targetDb);
            assertTrue(failed.contains("1050") && !failed.contains("exit=0"), failed);

            // Re-running the agent records what is missing on the existing table.
            List<MigrationEvent> again = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()));
            assertTrue(again.get(again.size() - 1).getChanged());
            assertEquals(CheckState.CHECK_STATE_OK, check(h, "migrations_recorded").getState());

            // Django's own django_migrations, made in a fresh database, is the table the agent made.
            String fresh = AgentHarness.unique("djrec");
            TestDatabases.execute(root, "CREATE DATABASE " + fresh + " CHARACTER SET utf8");   // as the harness's target
            try {
                String recorder = django(project, "recorder", root, fresh);
                assertTrue(recorder.contains("exit=0"), recorder);
                String theirs = TestDatabases.queryString(root, "SHOW CREATE TABLE " + fresh + ".django_migrations", 2);
                assertEquals(normalize(theirs), normalize(ours));
            } finally {
                TestDatabases.execute(root, "DROP DATABASE " + fresh);
            }
        }
    }

    /**
     * A CSMHE an older deploy made with the real 0001-0002 (two indexes on student_module_id, 0003 not applied): the
     * agent brings it to 0003's end state by renaming one index and dropping the other (no index build), then records
     * 0003, and the deploy's next real migrate has nothing to do. Where the end state cannot be had that way (no index
     * on the column left), 0003 is not recorded.
     */
    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void anOlderDeploysTableIsBroughtTo0003WithoutAnIndexBuild(SandboxEngine engine) throws Exception {
        Path project = copyProject();
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 500).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe());
            String old = django(project, "migrate0002", h.target, h.targetDb);
            assertTrue(old.contains("exit=0") && old.contains("Applying coursewarehistoryextended.0002"), old);
            assertEquals(2, indexesOnStudentModule(h).size(), indexesOnStudentModule(h).toString());
            TestDatabases.execute(h.target, "INSERT INTO " + h.csmhe() + " (created, student_module_id) VALUES (NOW(6), 7), (NOW(6), 8)");
            Check pending = check(h, "migrations_recorded");
            assertEquals(CheckState.CHECK_STATE_FAILED, pending.getState());
            assertTrue(pending.getDetail().contains("it drops both indexes on student_module_id and builds student_module_idx")
                    && pending.getDetail().contains("csmhctl migrate --without-django renames the index already there"), pending.getDetail());

            List<MigrationEvent> ran = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()));
            List<String> out = ran.stream().map(MigrationEvent::getOutput).toList();
            assertTrue(out.stream().anyMatch(l -> l.contains(" RENAME INDEX ") && l.contains(" TO student_module_idx, DROP INDEX ")
                    && l.endsWith("ALGORITHM=INPLACE, LOCK=NONE")), out.toString());
            assertTrue(ran.get(ran.size() - 1).getChanged());
            assertEquals(List.of("student_module_idx"), indexesOnStudentModule(h));
            assertEquals(CheckState.CHECK_STATE_OK, check(h, "migrations_recorded").getState());
            // Index for index the table today's chain builds.
            String fresh = AgentHarness.unique("fresh");
            TestDatabases.execute(root, "CREATE DATABASE " + fresh + " CHARACTER SET utf8", org.csmh.agent.mysql.HistoryTables.createCsmhe(fresh));
            try {
                assertEquals(indexes(root, fresh), indexes(root, h.targetDb));
            } finally {
                TestDatabases.execute(root, "DROP DATABASE " + fresh);
            }
            String next = django(project, "migrate", h.target, h.targetDb);
            assertTrue(next.contains("exit=0") && !next.contains("Applying coursewarehistoryextended"), next);
            assertEquals(List.of("student_module_idx"), indexesOnStudentModule(h));

            // No index on the column at all: nothing quick brings 0003's end state, so it is not recorded.
            TestDatabases.execute(h.target, "DELETE FROM " + h.targetDb + ".django_migrations WHERE name LIKE '0003%'",
                    "ALTER TABLE " + h.csmhe() + " DROP INDEX student_module_idx");
            List<MigrationEvent> refused = drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()));
            assertTrue(refused.stream().anyMatch(e -> e.getOutput().startsWith("not done: no index covers student_module_id")), refused.toString());
            assertEquals(0, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.targetDb + ".django_migrations WHERE name LIKE '0003%'"));
            assertEquals(CheckState.CHECK_STATE_FAILED, check(h, "migrations_recorded").getState());
        }
    }

    private static List<String> indexesOnStudentModule(CopyHarness h) {
        return TestDatabases.queryStrings(h.target, "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '" + h.targetDb
                + "' AND TABLE_NAME = 'coursewarehistoryextended_studentmodulehistoryextended' AND COLUMN_NAME = 'student_module_id' ORDER BY INDEX_NAME");
    }

    /** index name -> its columns, in order. */
    private static List<String> indexes(Endpoint root, String db) {
        return TestDatabases.queryStrings(root, "SELECT CONCAT(INDEX_NAME, ':', GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)) FROM"
                + " information_schema.STATISTICS WHERE TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = 'coursewarehistoryextended_studentmodulehistoryextended'"
                + " GROUP BY INDEX_NAME ORDER BY INDEX_NAME");
    }

    private static String normalize(String createTable) {
        return createTable.replaceAll(" AUTO_INCREMENT=\\d+", "").trim();
    }

    private static Check check(CopyHarness h, String id) {
        return h.check(id);
    }

    private Path copyProject() throws URISyntaxException, java.io.IOException {
        Path from = Path.of(getClass().getResource("/django/history_project").toURI());
        Path to = dir.resolve("history_project");
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return to;
    }

    /** Runs migrate.py; returns its output and a last line exit=N. */
    private String django(Path project, String mode, Endpoint server, String database) throws Exception {
        return DjangoScript.run(project.resolve("migrate.py"), server, mode, server.host(), Integer.toString(server.port()), server.user(),
                database, dir.resolve(mode + "-default.sqlite3").toString()).toString();
    }

    private static List<MigrationEvent> drain(java.util.Iterator<MigrationEvent> it) {
        List<MigrationEvent> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
