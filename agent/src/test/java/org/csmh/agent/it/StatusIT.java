package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.CsmhDatabaseSettings;
import org.csmh.proto.v1.Flag;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.GetStatusResponse;
import org.csmh.proto.v1.Step;
import org.csmh.proto.v1.StepState;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.csmh.proto.v1.UpdateSettingsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole foundation through gRPC: provision, settings, then the checklist at each step. */
class StatusIT {
    @TempDir
    Path dir;
    AgentHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    Map<String, Check> status() {
        GetStatusResponse r = h.client.status(GetStatusRequest.newBuilder().setExactRowCount(true).build());
        return r.getChecksList().stream().collect(Collectors.toMap(Check::getId, c -> c, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    @Test
    void checklistFollowsTheProcedure() throws Exception {
        Map<String, Check> fresh = status();
        assertEquals(CheckState.CHECK_STATE_PENDING, fresh.get("settings_lms").getState());
        assertEquals(CheckState.CHECK_STATE_PENDING, fresh.get("settings_cms").getState());
        // Absent: edx-platform's default (true) is what the LMS runs with.
        assertEquals(CheckState.CHECK_STATE_OK, fresh.get("flag_csmh_extended").getState());
        assertEquals("value: absent (edx-platform default: true)", fresh.get("flag_csmh_extended").getDetail());
        assertEquals("default", fresh.get("flag_csmh_extended").getFieldsMap().get("source"));
        assertEquals("true", fresh.get("flag_csmh_extended").getFieldsMap().get("effective"));
        assertEquals(CheckState.CHECK_STATE_PENDING, fresh.get("database_exists").getState());
        assertTrue(fresh.get("old_table").getDetail().startsWith("not found"), fresh.get("old_table").toString());

        TestDatabases.execute(h.root, HistoryTables.createCsmh(h.sourceDb),
                "INSERT INTO " + h.sourceDb + "." + TableNames.CSMH + " (id, version, created, state, grade, max_grade, student_module_id) VALUES "
                        + "(1, NULL, NOW(6), '{}', 1, 2, 7), (2, 'v', NOW(6), NULL, NULL, NULL, 7), (500, NULL, NOW(6), '{\"a\":1}', 0, 1, 8)");
        String db = AgentHarness.unique("csmh_s");
        String runtime = AgentHarness.unique("rt");
        h.client.provision(ProvisionIT.request(db, runtime, AgentHarness.unique("mg"), "rt-pass").build());
        UpdateSettingsResponse settings = h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                .setDatabase(CsmhDatabaseSettings.newBuilder().setName(db).setUser(runtime).setPassword("rt-pass")
                        .setHost(h.root.host()).setPort(h.root.port()))
                .setEnableCsmhExtended(Flag.FLAG_TRUE).setEnableReadingFromMultipleHistoryTables(Flag.FLAG_TRUE).build());
        assertTrue(settings.getChanged());
        assertEquals(2, settings.getFilesCount());
        assertEquals(db, settings.getAnsibleOverridesMap().get("EDXAPP_MYSQL_CSMH_DB_NAME"));

        Map<String, Check> configured = status();
        assertEquals(CheckState.CHECK_STATE_OK, configured.get("settings_lms").getState(), configured.toString());
        assertEquals(CheckState.CHECK_STATE_OK, configured.get("settings_cms").getState());
        assertEquals(CheckState.CHECK_STATE_OK, configured.get("flag_csmh_extended").getState());
        assertEquals(CheckState.CHECK_STATE_PENDING, configured.get("flag_read_multiple").getState());
        assertEquals("rows: 3, max(id): 500", configured.get("old_table").getDetail());
        assertEquals(CheckState.CHECK_STATE_OK, configured.get("database_exists").getState());
        assertEquals(CheckState.CHECK_STATE_OK, configured.get("user_grants").getState(), configured.get("user_grants").toString());
        assertEquals(CheckState.CHECK_STATE_PENDING, configured.get("csmhe_table").getState());
        assertEquals("migrations", h.client.status(GetStatusRequest.getDefaultInstance()).getNextStep(), "the agent's own order");
        assertEquals("500", configured.get("old_table").getFieldsMap().get("max_id"), "programs read fields, not prose");

        TestDatabases.execute(h.root, HistoryTables.createCsmhe(db), "ALTER TABLE " + db + "." + TableNames.CSMHE + " AUTO_INCREMENT = 400");
        Check gap = status().get("auto_increment_gap");
        assertEquals(CheckState.CHECK_STATE_FAILED, gap.getState());
        assertTrue(gap.getDetail().contains("next id 400 <= old max(id) 500"), gap.getDetail());
        assertEquals(Map.of("next_id", "400", "old_max_id", "500"), gap.getFieldsMap());
        Step gapStep = step("auto_increment_gap");
        assertEquals(StepState.STEP_STATE_BLOCKED, gapStep.getState(), gapStep.toString());
        assertEquals("", gapStep.getAction(), "a gate only the operator opens");

        // Made by hand, so unrecorded: the deploy's next migrate would fail with 1050 until the agent records it.
        assertEquals(CheckState.CHECK_STATE_FAILED, status().get("migrations_recorded").getState());
        h.client.runMigrations(org.csmh.proto.v1.RunMigrationsRequest.newBuilder().setWithoutDjango(true).build()).forEachRemaining(e -> { });
        assertEquals(CheckState.CHECK_STATE_OK, status().get("migrations_recorded").getState());
        TestDatabases.execute(h.root, "ALTER TABLE " + db + "." + TableNames.CSMHE + " AUTO_INCREMENT = 10500");
        h.client.updateSettings(UpdateSettingsRequest.newBuilder().setEnableReadingFromMultipleHistoryTables(Flag.FLAG_FALSE).build());
        // Nobody writes this sandbox's history: the database cannot show where the servers write, the operator says.
        assertEquals(CheckState.CHECK_STATE_PENDING, status().get("writes_observed").getState());
        h.client.restartServers(org.csmh.proto.v1.RestartServersRequest.newBuilder().setConfirm(true).build()).forEachRemaining(e -> { });
        GetStatusResponse done = h.client.status(GetStatusRequest.getDefaultInstance());
        assertTrue(done.getComplete(), done.toString());
        assertEquals("purge", done.getNextStep(), "cut over: copy and verify are behind; the old rows remain");
        assertTrue(step("purge").getDestructive());
        assertEquals(CheckState.CHECK_STATE_OK, status().get("auto_increment_gap").getState());
        assertEquals("next id 10500 > old max(id) 500 (room for 9999 more old rows)", status().get("auto_increment_gap").getDetail());
        long mode = TestDatabases.queryLong(h.root, "SELECT @@innodb_autoinc_lock_mode");
        Check lock = status().get("autoinc_lock_mode");
        assertEquals(CheckState.CHECK_STATE_INFO, lock.getState());
        assertTrue(lock.getDetail().startsWith("innodb_autoinc_lock_mode = " + mode + ": "), lock.getDetail());
        assertEquals(mode == 1, lock.getDetail().contains("the copy writes explicit-id multi-row INSERTs (simple inserts"), lock.getDetail());
        assertEquals(mode == 0, lock.getDetail().contains("LMS inserts of new history rows wait up to one copy statement"), lock.getDetail());

        // Purged: no "old max(id) 0 (room for 10499 more old rows)" for a table that has none.
        TestDatabases.execute(h.root, "DELETE FROM " + h.sourceDb + "." + TableNames.CSMH);
        Map<String, Check> purged = status();
        assertEquals(CheckState.CHECK_STATE_OK, purged.get("auto_increment_gap").getState());
        assertEquals("next id 10500; the old table is empty: no old ids for new rows to collide with",
                purged.get("auto_increment_gap").getDetail());
        assertEquals("the old table is empty: no old ids to check", purged.get("old_ids").getDetail());
        // An empty table has 0 rows, known without counting (the estimate's staleness on MySQL 8: EngineMatrixIT).
        Check estimated = h.client.status(GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                .filter(c -> c.getId().equals("old_table")).findFirst().orElseThrow();
        assertEquals("rows: 0, max(id): none (empty)", estimated.getDetail());
        assertEquals("true", estimated.getFieldsMap().get("rows_exact"));
    }

    private Step step(String id) {
        return h.client.status(GetStatusRequest.getDefaultInstance()).getStepsList().stream().filter(s -> s.getId().equals(id))
                .findFirst().orElseThrow();
    }

    /**
     * A runtime account that can see the database and CSMHE (a column privilege is enough) but not SHOW CREATE it: the
     * table check fails after the database check passed, and each check reports under its own id, once.
     */
    @Test
    void aCheckThatFailsLateIsReportedOnceUnderItsOwnId() throws Exception {
        String db = AgentHarness.unique("csmh_c");
        String user = AgentHarness.unique("col");
        TestDatabases.execute(h.root, "CREATE DATABASE " + db, HistoryTables.createCsmhe(db),
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'col-pass'",
                "GRANT INSERT (state) ON " + db + "." + TableNames.CSMHE + " TO '" + user + "'@'%'");
        h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                .setDatabase(CsmhDatabaseSettings.newBuilder().setName(db).setUser(user).setPassword("col-pass")
                        .setHost(h.root.host()).setPort(h.root.port())).setEnableCsmhExtended(Flag.FLAG_TRUE).build());
        GetStatusResponse r = h.client.status(GetStatusRequest.getDefaultInstance());
        java.util.List<String> ids = r.getChecksList().stream().map(Check::getId).toList();
        assertEquals(ids.stream().distinct().count(), ids.size(), "no check id twice: " + ids);
        Map<String, Check> byId = status();
        assertEquals(CheckState.CHECK_STATE_OK, byId.get("database_exists").getState());
        assertEquals(CheckState.CHECK_STATE_OK, byId.get("csmhe_table").getState(), byId.get("csmhe_table").toString());
        assertEquals(CheckState.CHECK_STATE_FAILED, byId.get("auto_increment_gap").getState(), byId.get("auto_increment_gap").toString());
        assertTrue(byId.get("auto_increment_gap").getDetail().contains("denied"), byId.get("auto_increment_gap").getDetail());
        assertEquals(StepState.STEP_STATE_TODO, step("database").getState(), "runtime grants are missing");
        TestDatabases.execute(h.root, "DROP USER '" + user + "'@'%'", "DROP DATABASE " + db);
    }

    @Test
    void wrongRuntimePasswordInLmsYmlIsReported() throws Exception {
        String db = AgentHarness.unique("csmh_x");
        String runtime = AgentHarness.unique("rt");
        h.client.provision(ProvisionIT.request(db, runtime, AgentHarness.unique("mg"), "right").build());
        h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                .setDatabase(CsmhDatabaseSettings.newBuilder().setName(db).setUser(runtime).setPassword("wrong")
                        .setHost(h.root.host()).setPort(h.root.port())).build());
        Check c = status().get("database_exists");
        assertEquals(CheckState.CHECK_STATE_FAILED, c.getState());
        assertTrue(c.getDetail().contains("Access denied"), c.getDetail());
        assertFalse(c.getDetail().contains("wrong"), "password not echoed: " + c.getDetail());
    }
}
