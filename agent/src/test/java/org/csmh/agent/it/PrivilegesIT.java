package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.DatabaseUser;
import org.csmh.proto.v1.ProvisionDatabaseRequest;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Privileges as community.mysql means them, on real servers, inside the database being provisioned: without
 * append_privs, what priv does not name there is revoked (the grant option, a table's grant); grants on other
 * databases and global ones are kept and reported unless revoke_outside_database asks; *.*:PRIV is accepted; with
 * append_privs nothing is revoked. And the agent and the configuration repository's create_db_and_users.yml
 * (community.mysql's mysql_user with append_privs, run here by ansible-playbook) agree in either order: one grant row.
 */
class PrivilegesIT {
    @TempDir
    Path dir;

    private static List<String> grants(Endpoint root, String user) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = new ConnectionFactory(5000).open(root); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GRANTS FOR '" + user + "'@'%'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static ProvisionDatabaseRequest request(String db, String user, String priv, boolean append) {
        return ProvisionDatabaseRequest.newBuilder().setDatabase(db).addUsers(DatabaseUser.newBuilder().setName(user).setHost("%")
                .setPassword("pw-1").setPriv(priv).setAppendPrivs(append)).build();
    }

    /** SHOW GRANTS lines that do not name the database being provisioned. */
    private static List<String> outside(Endpoint root, String user, String db) throws Exception {
        return grants(root, user).stream().filter(g -> !g.contains("`" + db + "`") && !g.contains("`" + db.replace("_", "\\_") + "`")).toList();
    }

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void privIsExactInsideTheProvisionedDatabaseOnly(SandboxEngine engine) throws Exception {
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 10).startInProcess()) {
            String db = AgentHarness.unique("csmh_g");
            String other = AgentHarness.unique("other");
            String user = AgentHarness.unique("gu");
            TestDatabases.execute(root, "CREATE DATABASE " + other, "CREATE TABLE " + other + ".t (id INT)", "CREATE DATABASE " + db,
                    "CREATE TABLE " + db + ".t (id INT)", "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-1'",
                    "GRANT SELECT ON " + db + ".* TO '" + user + "'@'%' WITH GRANT OPTION", "GRANT PROCESS ON *.* TO '" + user + "'@'%'",
                    "GRANT SELECT ON " + other + ".* TO '" + user + "'@'%'", "GRANT INSERT ON " + other + ".t TO '" + user + "'@'%'",
                    "GRANT DROP ON " + db + ".t TO '" + user + "'@'%'");
            String priv = db + ".*:SELECT,INSERT,UPDATE,DELETE";

            ProvisionDatabaseResponse kept = h.client.provision(request(db, user, priv, true));
            assertTrue(kept.getStatementsList().stream().noneMatch(s -> s.startsWith("REVOKE")), kept.toString());

            List<String> outsideBefore = outside(root, user, db);
            ProvisionDatabaseResponse planned = h.client.provision(request(db, user, priv, false).toBuilder().setDryRun(true).build());
            assertTrue(planned.getWarningsList().stream().anyMatch(w -> w.startsWith("would keep PROCESS ON *.*")), planned.toString());
            assertTrue(planned.getWarningsList().stream().noneMatch(w -> w.startsWith("kept") || w.startsWith("revoked")), planned.toString());
            ProvisionDatabaseResponse exact = h.client.provision(request(db, user, priv, false));
            List<String> s = exact.getStatementsList();
            // Inside the database: the grant option and the table's grant go.
            assertTrue(s.contains("REVOKE GRANT OPTION ON `" + db + "`.* FROM '" + user + "'@'%'"), s.toString());
            assertTrue(s.contains("REVOKE DROP ON `" + db + "`.`t` FROM '" + user + "'@'%'"), s.toString());
            // Outside it: kept, and said.
            assertTrue(s.stream().noneMatch(x -> x.contains("*.*") || x.contains(other)), s.toString());
            assertTrue(exact.getWarningsList().stream().anyMatch(w -> w.startsWith("kept PROCESS ON *.*")), exact.toString());
            assertTrue(exact.getWarningsList().stream().anyMatch(w -> w.startsWith("kept SELECT ON `" + other + "`.*")), exact.toString());
            assertTrue(exact.getWarningsList().stream().anyMatch(w -> w.startsWith("kept INSERT ON `" + other + "`.`t`")), exact.toString());
            assertEquals(outsideBefore, outside(root, user, db));
            String inside = String.join("\n", grants(root, user).stream().filter(g -> !outsideBefore.contains(g)).toList());
            assertFalse(inside.contains("GRANT OPTION") || inside.contains("DROP"), inside);
            assertFalse(h.client.provision(request(db, user, priv, false)).getChanged(), "exact now: nothing left to do");

            // Only on request do the grants outside go too.
            ProvisionDatabaseResponse all = h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase(db).addUsers(DatabaseUser.newBuilder()
                    .setName(user).setHost("%").setPassword("pw-1").setPriv(priv).setRevokeOutsideDatabase(true)).build());
            assertTrue(all.getStatementsList().contains("REVOKE PROCESS ON *.* FROM '" + user + "'@'%'"), all.toString());
            assertTrue(all.getWarningsList().stream().anyMatch(w -> w.startsWith("revoked PROCESS ON *.*")), all.toString());
            String after = String.join("\n", grants(root, user));
            assertFalse(after.contains("PROCESS") || after.contains(other), after);

            ProvisionDatabaseResponse global = h.client.provision(request(db, user, priv + "/*.*:PROCESS", false));
            assertEquals(List.of("GRANT PROCESS ON *.* TO '" + user + "'@'%'"), global.getStatementsList());
            TestDatabases.execute(root, "DROP DATABASE " + other, "DROP USER '" + user + "'@'%'", "DROP DATABASE IF EXISTS " + db);
        }
    }

    /**
     * configuration's defaults: EDXAPP_MYSQL_CSMH_USER is the LMS's own account (edxapp001, ALL on edxapp.*), and one
     * migrate user serves every database. Provisioning the CSMH database for both, with exact privileges, leaves
     * every grant outside edxapp_csmh as it was, so the live LMS keeps its site; a re-run changes nothing; a priv that
     * names the LMS's database is refused and changes nothing.
     */
    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void theLmsAccountAsTheCsmhUserKeepsItsSite(SandboxEngine engine) throws Exception {
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 10).startInProcess()) {
            String edxapp = h.sourceDb;
            String db = AgentHarness.unique("csmh_l");
            String lms = AgentHarness.unique("edxapp");
            String migrate = AgentHarness.unique("migrate");
            TestDatabases.execute(root, "CREATE USER '" + lms + "'@'%' IDENTIFIED BY 'lms-pw'", "GRANT ALL PRIVILEGES ON `" + edxapp + "`.* TO '" + lms + "'@'%'",
                    "CREATE USER '" + migrate + "'@'%' IDENTIFIED BY 'mig-pw'", "GRANT ALL PRIVILEGES ON `" + edxapp + "`.* TO '" + migrate + "'@'%'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER ON `" + edxapp + "`.* TO '" + migrate + "'@'%' WITH GRANT OPTION");
            List<String> lmsBefore = grants(root, lms);
            List<String> migrateBefore = grants(root, migrate);
            ProvisionDatabaseRequest r = ProvisionDatabaseRequest.newBuilder().setDatabase(db)
                    .addUsers(DatabaseUser.newBuilder().setName(lms).setHost("%").setPassword("lms-pw").setPriv(db + ".*:SELECT,INSERT,UPDATE,DELETE"))
                    .addUsers(DatabaseUser.newBuilder().setName(migrate).setHost("%").setPassword("mig-pw")
                            .setPriv(db + ".*:SELECT,INSERT,UPDATE,DELETE,ALTER,CREATE,DROP,INDEX"))
                    .build();
            ProvisionDatabaseResponse first = h.client.provision(r);
            assertTrue(first.getChanged(), first.toString());
            assertTrue(first.getStatementsList().stream().noneMatch(s -> s.startsWith("REVOKE")), first.toString());
            assertEquals(lmsBefore, outside(root, lms, db));
            assertEquals(migrateBefore, outside(root, migrate, db));
            // The LMS still reads its own database, and now the new one.
            TestDatabases.execute(new Endpoint("lms", root.host(), root.port(), lms, "lms-pw", edxapp), "SELECT COUNT(*) FROM courseware_studentmodulehistory");
            TestDatabases.execute(new Endpoint("lms", root.host(), root.port(), lms, "lms-pw", db), "SELECT 1");
            ProvisionDatabaseResponse again = h.client.provision(r);
            assertFalse(again.getChanged(), again.toString());
            assertEquals(lmsBefore, outside(root, lms, db));

            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.client.provision(r.toBuilder()
                    .setUsers(0, r.getUsers(0).toBuilder().setPriv(db + ".*:SELECT/" + edxapp + ".*:SELECT")).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("names database '" + edxapp + "', not the one provisioned"),
                    refused.getStatus().getDescription());
            assertEquals(lmsBefore, outside(root, lms, db));
            TestDatabases.execute(root, "DROP USER '" + lms + "'@'%'", "DROP USER '" + migrate + "'@'%'", "DROP DATABASE IF EXISTS " + db);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void theUpstreamPlaybookAndTheAgentAgreeInEitherOrder(SandboxEngine engine) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ansible-playbook")), "ansible not installed (scripts/setup.sh installs it)");
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 10).startInProcess()) {
            for (boolean agentFirst : new boolean[] {true, false}) {
                String db = AgentHarness.unique("csmh_u");
                String user = AgentHarness.unique("uu");
                String priv = db + ".*:SELECT,INSERT,UPDATE,DELETE";
                if (agentFirst) {
                    h.client.provision(request(db, user, priv, false));
                    upstream(h.source, user, priv);
                } else {
                    upstream(h.source, user, priv);
                    ProvisionDatabaseResponse r = h.client.provision(request(db, user, priv, false));
                    assertTrue(r.getStatementsList().stream().noneMatch(x -> x.startsWith("GRANT")), r.toString());
                }
                List<String> rows = grants(root, user).stream().filter(g -> g.contains(db.substring(0, 6))).toList();
                assertEquals(1, rows.size(), (agentFirst ? "agent then upstream: " : "upstream then agent: ") + rows);
                TestDatabases.execute(root, "DROP USER '" + user + "'@'%'", "DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    /** The user task of create_db_and_users.yml: community.mysql's mysql_user with append_privs, as the repository runs it. */
    private void upstream(Endpoint login, String user, String priv) throws Exception {
        Path play = dir.resolve("users.yml");
        Files.writeString(play, """
                - hosts: localhost
                  connection: local
                  gather_facts: false
                  tasks:
                    - community.mysql.mysql_user:
                        name: "%s"
                        host: "%%"
                        password: pw-1
                        priv: "%s"
                        append_privs: yes
                        login_host: "%s"
                        login_port: %d
                        login_user: "%s"
                        login_password: "%s"
                """.formatted(user, priv, login.host(), login.port(), login.user(), login.password()));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/ansible-playbook", play.toString()).redirectErrorStream(true);
        pb.environment().put("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3");
        pb.environment().put("ANSIBLE_LOCALHOST_WARNING", "false");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
