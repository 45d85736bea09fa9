package org.csmh.agent.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.csmh.agent.util.InvalidInputException;
import org.junit.jupiter.api.Test;

class PrivSpecTest {
    @Test
    void parsesCommunityMysqlForm() {
        PrivSpec p = PrivSpec.parse("edxapp_csmh.*:SELECT,insert, UPDATE,DELETE/other_db.*:ALL");
        assertEquals(Map.of("edxapp_csmh", Set.of("SELECT", "INSERT", "UPDATE", "DELETE"), "other_db", Set.of("ALL PRIVILEGES")),
                p.privilegesByDatabase());
        assertEquals(List.of("edxapp_csmh", "other_db"), p.databases());
    }

    @Test
    void rejectsGlobalTableAndUnknown() {
        for (String bad : List.of("", "*.*:SELECT", "*.*:SUPER", "db.*:PROCESS", "db.t:SELECT", "db.*:", "db.*:SELECT,FILE", "db.*:SELECT; DROP TABLE x",
                "d`b.*:SELECT", "db.*:SELECT/db.*:INSERT", "nocolon")) {
            assertThrows(InvalidInputException.class, () -> PrivSpec.parse(bad), bad);
        }
    }

    @Test
    void grantObjectIsWrittenAsCommunityMysqlWritesIt() {
        assertEquals("`edxapp_csmh`.*", ProvisionPlanner.grantObject("edxapp_csmh"));
        assertEquals("*.*", ProvisionPlanner.grantObject("*"));
    }

    @Test
    void globalMonitoringPrivilegesAndTheGrantOption() {
        PrivSpec p = PrivSpec.parse("edxapp_csmh.*:SELECT,GRANT/*.*:PROCESS,REPLICATION CLIENT");
        assertEquals(Map.of("edxapp_csmh", Set.of("SELECT", "GRANT"), "*", Set.of("PROCESS", "REPLICATION CLIENT")), p.privilegesByDatabase());
    }

    @Test
    void nativeHashMatchesMysqlPasswordFunction() {
        // SELECT PASSWORD('password') on MariaDB.
        assertEquals("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", ProvisionPlanner.nativeHash("password"));
    }
}
