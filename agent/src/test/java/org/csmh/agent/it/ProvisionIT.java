package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.DatabaseUser;
import org.csmh.proto.v1.Login;
import org.csmh.proto.v1.PasswordUpdate;
import org.csmh.proto.v1.ProvisionDatabaseRequest;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProvisionDatabase through a real gRPC channel against a real server. */
class ProvisionIT {
    @TempDir
    static Path dir;
    static AgentHarness h;

    @BeforeAll
    static void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    static ProvisionDatabaseRequest.Builder request(String db, String runtime, String migrate, String password) {
        return ProvisionDatabaseRequest.newBuilder().setDatabase(db)
                .addUsers(DatabaseUser.newBuilder().setName(runtime).setHost("%").setPassword(password)
                        .setPriv(db + ".*:SELECT,INSERT,UPDATE,DELETE"))
                .addUsers(DatabaseUser.newBuilder().setName(migrate).setHost("%").setPassword(password + "-m")
                        .setPriv(db + ".*:SELECT,INSERT,UPDATE,DELETE,ALTER,CREATE,DROP,INDEX"));
    }

    @Test
    void createsDatabaseAndUsersThenIsIdempotent() throws Exception {
        String db = AgentHarness.unique("csmh_p");
        String runtime = AgentHarness.unique("rt");
        String migrate = AgentHarness.unique("mg");
        ProvisionDatabaseResponse first = h.client.provision(request(db, runtime, migrate, "Pa'ss\\word1").build());
        assertTrue(first.getChanged());
        assertFalse(first.getDryRun());
        assertTrue(first.getStatements(0).startsWith("CREATE DATABASE `" + db + "` CHARACTER SET utf8"), first.toString());
        assertTrue(first.getStatementsList().contains("CREATE USER '" + runtime + "'@'%' IDENTIFIED BY '********'"), first.toString());
        assertFalse(first.toString().contains("Pa'ss"), "password never echoed");

        assertTrue(schemaExists(db));
        // The runtime user logs in with the exact password (quote and backslash survived) and has DML only.
        Endpoint asRuntime = new Endpoint("rt", h.root.host(), h.root.port(), runtime, "Pa'ss\\word1", db);
        TestDatabases.execute(asRuntime, "SELECT 1");
        DatabaseAccessException denied = assertThrows(DatabaseAccessException.class, () -> {
            try (Connection c = new ConnectionFactory(5000).open(asRuntime); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (x int)");
            } catch (SQLException e) {
                throw DatabaseAccessException.from(asRuntime, "create", e);
            }
        });
        assertEquals(org.csmh.agent.mysql.SqlErrors.Kind.ACCESS_DENIED, denied.kind());
        Endpoint asMigrate = new Endpoint("mg", h.root.host(), h.root.port(), migrate, "Pa'ss\\word1-m", db);
        TestDatabases.execute(asMigrate, "CREATE TABLE t (x int)", "CREATE INDEX ix ON t (x)", "ALTER TABLE t ADD y int", "DROP TABLE t");

        ProvisionDatabaseResponse second = h.client.provision(request(db, runtime, migrate, "Pa'ss\\word1").build());
        assertFalse(second.getChanged(), second.toString());
        assertEquals(0, second.getStatementsCount());
    }

    @Test
    void dryRunPlansWithoutChangingAnything() throws Exception {
        String db = AgentHarness.unique("csmh_d");
        String runtime = AgentHarness.unique("rt");
        ProvisionDatabaseResponse r = h.client.provision(request(db, runtime, AgentHarness.unique("mg"), "dry-secret").setDryRun(true).build());
        assertTrue(r.getChanged());
        assertTrue(r.getDryRun());
        assertEquals(List.of("CREATE DATABASE `" + db + "` CHARACTER SET utf8",
                "CREATE USER '" + runtime + "'@'%' IDENTIFIED BY '********'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + db + "`.* TO '" + runtime + "'@'%'"),
                r.getStatementsList().subList(0, 3));
        assertFalse(r.toString().contains("dry-secret"));
        assertFalse(schemaExists(db));
        assertEquals(0, countUsers(runtime));
    }

    @Test
    void passwordAlwaysAndPrivilegeDriftAreCorrected() throws Exception {
        String db = AgentHarness.unique("csmh_a");
        String runtime = AgentHarness.unique("rt");
        String migrate = AgentHarness.unique("mg");
        h.client.provision(request(db, runtime, migrate, "one").build());
        // Someone granted DROP to the runtime user by hand; the next run puts the exact set back.
        TestDatabases.execute(h.root, "GRANT DROP ON `" + db + "`.* TO '" + runtime + "'@'%'");
        ProvisionDatabaseResponse fixed = h.client.provision(request(db, runtime, migrate, "one").build());
        assertEquals(List.of("REVOKE DROP ON `" + db + "`.* FROM '" + runtime + "'@'%'"), fixed.getStatementsList());

        ProvisionDatabaseResponse onCreate = h.client.provision(request(db, runtime, migrate, "two")
                .setPasswordUpdate(PasswordUpdate.PASSWORD_UPDATE_ON_CREATE).build());
        assertFalse(onCreate.getChanged(), "on_create leaves existing passwords alone: " + onCreate);
        // The default is community.mysql's: always, so lms.yml's new password and the database's agree.
        ProvisionDatabaseResponse always = h.client.provision(request(db, runtime, migrate, "two").build());
        assertEquals(2, always.getStatementsCount(), always.toString());
        assertTrue(always.getStatements(0).startsWith("ALTER USER"));
        TestDatabases.execute(new Endpoint("rt", h.root.host(), h.root.port(), runtime, "two", db), "SELECT 1");
        ProvisionDatabaseResponse again = h.client.provision(request(db, runtime, migrate, "two")
                .setPasswordUpdate(PasswordUpdate.PASSWORD_UPDATE_ALWAYS).build());
        assertFalse(again.getChanged(), "same password again: no change " + again);
    }

    @Test
    void badInputIsInvalidArgumentAndChangesNothing() throws Exception {
        int before = schemaCount();
        List<ProvisionDatabaseRequest> bad = new ArrayList<>();
        bad.add(request("x`; DROP DATABASE mysql; --", "rt_ok", "mg_ok", "pw").build());
        bad.add(request("csmh_ok", "bad'user", "mg_ok", "pw").build());
        bad.add(request("csmh_ok", "rt_ok", "mg_ok", "pw").setUsers(0, DatabaseUser.newBuilder().setName("rt_ok").setHost("'%")
                .setPassword("pw").setPriv("csmh_ok.*:SELECT")).build());
        bad.add(request("csmh_ok", "rt_ok", "mg_ok", "pw").setUsers(0, DatabaseUser.newBuilder().setName("rt_ok").setHost("%")
                .setPassword("pw").setPriv("*.*:SUPER")).build());
        bad.add(request("csmh_ok", "rt_ok", "mg_ok", "").build());
        bad.add(request("csmh_ok", "rt_ok", "mg_ok", "pw").setCharset("utf8; DROP").build());
        bad.add(request("csmh_ok", "rt_ok", "mg_ok", "pw").setPasswordUpdateValue(42).build());
        bad.add(request("csmh_ok", "rt_ok", "mg_ok", "pw").setDatabase("d".repeat(100_000)).build());
        for (ProvisionDatabaseRequest r : bad) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.client.provision(r));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertFalse(e.getStatus().getDescription().isBlank());
        }
        assertEquals(before, schemaCount());
        assertFalse(schemaExists("csmh_ok"));
        assertEquals(0, countUsers("rt_ok"));
    }

    @Test
    void wrongCredentialsArePermissionDenied() {
        ProvisionDatabaseRequest r = request(AgentHarness.unique("csmh_w"), "rt_w", "mg_w", "pw")
                .setLogin(Login.newBuilder().setHost(h.root.host()).setPort(h.root.port()).setUser("root").setPassword("wrong-password")).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.client.provision(r));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("Access denied"), e.getStatus().getDescription());
        assertFalse(e.getStatus().getDescription().contains("wrong-password"));
    }

    @Test
    void unreachableServerIsUnavailableAndUnknownEndpointRefused() {
        ProvisionDatabaseRequest r = request("csmh_u", "rt_u", "mg_u", "pw")
                .setLogin(Login.newBuilder().setHost("127.0.0.1").setPort(1).setUser("root")).build();
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class, () -> h.client.provision(r)).getStatus().getCode());
        ProvisionDatabaseRequest unknown = request("csmh_u", "rt_u", "mg_u", "pw").setLogin(Login.newBuilder().setEndpoint("nope")).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.client.provision(unknown));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("no endpoint named 'nope'"));
    }

    static boolean schemaExists(String db) throws SQLException {
        return query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db + "'") == 1;
    }

    static int schemaCount() throws SQLException {
        return query("SELECT COUNT(*) FROM information_schema.SCHEMATA");
    }

    static int countUsers(String user) throws SQLException {
        return query("SELECT COUNT(*) FROM mysql.user WHERE User = '" + user + "'");
    }

    static int query(String sql) throws SQLException {
        try (Connection c = new ConnectionFactory(5000).open(h.root); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
