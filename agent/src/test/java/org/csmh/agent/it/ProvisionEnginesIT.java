package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.CsmhDatabaseSettings;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.PasswordUpdate;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Provisioning on every engine at its defaults: users get the server's default plugin (caching_sha2_password on MySQL
 * 8, whose hashes are salted), a password update to the same password changes nothing, a new one is set and logs in,
 * and privileges that reach the runtime user through a role count in status.
 */
class ProvisionEnginesIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SandboxEngine.class)
    void provisionIsIdempotentOnEveryEngineAndStatusUnderstandsRoles(SandboxEngine engine) throws Exception {
        Endpoint root = EngineMatrixIT.root(engine);
        try (CopyHarness h = new CopyHarness(dir, root, root, 10).startInProcess()) {
            String db = AgentHarness.unique("csmh_e");
            String runtime = AgentHarness.unique("rt");
            String migrate = AgentHarness.unique("mg");
            ProvisionDatabaseResponse first = h.client.provision(ProvisionIT.request(db, runtime, migrate, "pw-1").build());
            assertTrue(first.getChanged());
            assertEquals(engine.isMySql() ? "caching_sha2_password" : "mysql_native_password",
                    TestDatabases.queryString(root, "SELECT plugin FROM mysql.user WHERE User = '" + runtime + "'"), "the server's default plugin");

            ProvisionDatabaseResponse same = h.client.provision(ProvisionIT.request(db, runtime, migrate, "pw-1")
                    .setPasswordUpdate(PasswordUpdate.PASSWORD_UPDATE_ALWAYS).build());
            assertFalse(same.getChanged(), "the same password again changes nothing: " + same);
            assertEquals(0, same.getStatementsCount(), same.toString());

            ProvisionDatabaseResponse changed = h.client.provision(ProvisionIT.request(db, runtime, migrate, "pw-2")
                    .setPasswordUpdate(PasswordUpdate.PASSWORD_UPDATE_ALWAYS).build());
            assertTrue(changed.getStatementsList().stream().anyMatch(s -> s.startsWith("ALTER USER") && s.contains(runtime)), changed.toString());
            TestDatabases.execute(new Endpoint("rt", root.host(), root.port(), runtime, "pw-2", db), "SELECT 1");

            // The runtime privileges through a role (the user's default role): status must count them.
            String role = AgentHarness.unique("csmh_role");
            String viaRole = AgentHarness.unique("rr");
            TestDatabases.execute(root, "CREATE ROLE " + role, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + db + ".* TO " + role,
                    "CREATE USER '" + viaRole + "'@'%' IDENTIFIED BY 'role-pw'", "GRANT " + role + " TO '" + viaRole + "'@'%'",
                    engine.isMySql() ? "SET DEFAULT ROLE " + role + " TO '" + viaRole + "'@'%'" : "SET DEFAULT ROLE " + role + " FOR '" + viaRole + "'@'%'");
            h.client.updateSettings(UpdateSettingsRequest.newBuilder().setDatabase(CsmhDatabaseSettings.newBuilder().setName(db)
                    .setUser(viaRole).setPassword("role-pw").setHost(root.host()).setPort(root.port())).build());
            Check grants = h.client.status(GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                    .filter(c -> c.getId().equals("user_grants")).findFirst().orElseThrow();
            assertEquals(CheckState.CHECK_STATE_OK, grants.getState(), grants.toString());
            TestDatabases.execute(root, "DROP USER '" + viaRole + "'@'%'", "DROP ROLE " + role, "DROP USER '" + runtime + "'@'%'",
                    "DROP USER '" + migrate + "'@'%'", "DROP DATABASE " + db);
        }
    }
}
