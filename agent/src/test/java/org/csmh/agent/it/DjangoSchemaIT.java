package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.DjangoScript;
import org.csmh.agent.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CSMHE the agent creates without Django is the table Django builds: Debian's python3-django (3.2) creates it from a
 * model declared with the fields and options of edx-platform's model (build_csmhe.py), in one database; the agent's
 * DDL in another; SHOW CREATE TABLE must match, column for column and index for index.
 */
class DjangoSchemaIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MYSQL_8_0"})
    void theAgentsTableIsDjangos(SandboxEngine engine) throws Exception {
        Endpoint root = EngineMatrixIT.root(engine);
        String viaDjango = AgentHarness.unique("dj");
        String ours = AgentHarness.unique("ours");
        TestDatabases.execute(root, "CREATE DATABASE " + viaDjango + " CHARACTER SET utf8mb4", "CREATE DATABASE " + ours + " CHARACTER SET utf8mb4",
                HistoryTables.createCsmhe(ours));
        try {
            Path script = dir.resolve("build_csmhe.py");
            try (var in = getClass().getResourceAsStream("/django/build_csmhe.py")) {
                Files.copy(in, script);
            }
            DjangoScript.Result built = DjangoScript.run(script, root, root.host(), Integer.toString(root.port()), root.user(), viaDjango);
            assertEquals(0, built.exitCode(), built.output());
            String django = TestDatabases.queryString(root, "SHOW CREATE TABLE " + viaDjango + "." + TableNames.CSMHE, 2);
            String agent = TestDatabases.queryString(root, "SHOW CREATE TABLE " + ours + "." + TableNames.CSMHE, 2);
            assertEquals(normalize(django), normalize(agent));
            assertTrue(agent.contains("`student_module_id` bigint") && agent.toLowerCase().contains("unsigned"), agent);
            // What the difference meant in practice: a student_module id above 2^31 - 1 fits.
            TestDatabases.execute(root, "INSERT INTO " + ours + "." + TableNames.CSMHE + " (created, student_module_id) VALUES (NOW(6), 2147483648)");
        } finally {
            TestDatabases.execute(root, "DROP DATABASE " + viaDjango, "DROP DATABASE " + ours);
        }
    }

    /** The table's definition without what legitimately differs: the AUTO_INCREMENT counter. */
    private static String normalize(String createTable) {
        return createTable.replaceAll(" AUTO_INCREMENT=\\d+", "").trim();
    }
}
