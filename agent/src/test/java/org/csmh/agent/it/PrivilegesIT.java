package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
 * Privileges exactly as community.mysql means them, on real servers: without append_privs, what priv does not name
 * is revoked (the grant option, a global PROCESS, another database) and reported; *.*:PRIV is accepted; with
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

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void privIsExactUnlessAppendPrivs(SandboxEngine engine) throws Exception {
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 10).startInProcess()) {
            String db = AgentHarness.unique("csmh_g");
            String other = AgentHarness.unique("other");
            String user = AgentHarness.unique("gu");
            TestDatabases.execute(root, "CREATE DATABASE " + other, "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-1'",
                    "GRANT SELECT ON " + db + ".* TO '" + user + "'@'%' WITH GRANT OPTION", "GRANT PROCESS ON *.* TO '" + user + "'@'%'",
                    "GRANT SELECT ON " + other + ".* TO '" + user + "'@'%'");
            String priv = db + ".*:SELECT,INSERT,UPDATE,DELETE";

            ProvisionDatabaseResponse kept = h.client.provision(request(db, user, priv, true));
            assertTrue(kept.getStatementsList().stream().noneMatch(s -> s.startsWith("REVOKE")), kept.toString());

            ProvisionDatabaseResponse exact = h.client.provision(request(db, user, priv, false));
            List<String> s = exact.getStatementsList();
            assertTrue(s.contains("REVOKE GRANT OPTION ON `" + db + "`.* FROM '" + user + "'@'%'"), s.toString());
            assertTrue(s.contains("REVOKE PROCESS ON *.* FROM '" + user + "'@'%'"), s.toString());
            assertTrue(s.contains("REVOKE SELECT ON `" + other + "`.* FROM '" + user + "'@'%'"), s.toString());
            assertTrue(exact.getWarningsList().stream().anyMatch(w -> w.contains("revoked PROCESS ON *.*")), exact.toString());
            String after = String.join("\n", grants(root, user));
            assertFalse(after.contains("PROCESS") || after.contains("GRANT OPTION") || after.contains(other), after);
            assertFalse(h.client.provision(request(db, user, priv, false)).getChanged(), "exact now: nothing left to do");

            ProvisionDatabaseResponse global = h.client.provision(request(db, user, priv + "/*.*:PROCESS", false));
            assertEquals(List.of("GRANT PROCESS ON *.* TO '" + user + "'@'%'"), global.getStatementsList());
            TestDatabases.execute(root, "DROP DATABASE " + other, "DROP USER '" + user + "'@'%'", "DROP DATABASE IF EXISTS " + db);
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
