package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.agent.util.PreconditionException;
import org.junit.jupiter.api.Test;

/**
 * The preflight's question to a read_only target, asked as the accounts Open edX gives the copy: the runtime user
 * (SELECT, INSERT, UPDATE, DELETE) cannot write past read_only and is refused up front; an account allowed past it but
 * without UPDATE cannot ask, and the copy goes on (its INSERTs do get past read_only).
 */
class WritableTargetIT {
    @Test
    void aReadOnlyTargetRefusesThePlainAccountUpFront() throws Exception {
        Endpoint root = TestDatabases.secondSandbox().rootEndpoint();
        String db = "wt_" + ProcessHandle.current().pid();
        String csmhe = db + "." + TableNames.CSMHE;
        TestDatabases.execute(root, "CREATE DATABASE " + db, HistoryTables.createCsmhe(db),
                "CREATE USER 'wt_runtime'@'%' IDENTIFIED BY 'wt-pw-1'", "GRANT SELECT, INSERT, UPDATE, DELETE ON " + db + ".* TO 'wt_runtime'@'%'",
                "CREATE USER 'wt_reader'@'%' IDENTIFIED BY 'wt-pw-2'", "GRANT SELECT, INSERT ON " + db + ".* TO 'wt_reader'@'%'",
                "CREATE USER 'wt_admin'@'%' IDENTIFIED BY 'wt-pw-3'", "GRANT SELECT, INSERT ON " + db + ".* TO 'wt_admin'@'%'",
                "GRANT READ_ONLY ADMIN ON *.* TO 'wt_admin'@'%'");
        ConnectionFactory f = new ConnectionFactory(5000);
        try (Connection runtime = f.open(new Endpoint("target", root.host(), root.port(), "wt_runtime", "wt-pw-1", db));
             Connection reader = f.open(new Endpoint("target", root.host(), root.port(), "wt_reader", "wt-pw-2", db));
             Connection admin = f.open(new Endpoint("target", root.host(), root.port(), "wt_admin", "wt-pw-3", db))) {
            assertDoesNotThrow(() -> CopyPreflight.requireWritable(runtime, csmhe), "writable: no refusal");
            TestDatabases.execute(root, "SET GLOBAL read_only = ON");
            PreconditionException e = assertThrows(PreconditionException.class, () -> CopyPreflight.requireWritable(runtime, csmhe));
            assertTrue(e.getMessage().startsWith("the target server refuses writes (The MariaDB server is running with the --read-only option"),
                    e.getMessage());
            // The server asks read_only before privileges: an account without UPDATE could not INSERT past it either.
            assertThrows(PreconditionException.class, () -> CopyPreflight.requireWritable(reader, csmhe));
            // Allowed past read_only (READ_ONLY ADMIN) but without UPDATE: it cannot ask, and is not refused.
            assertDoesNotThrow(() -> CopyPreflight.requireWritable(admin, csmhe), "an account that cannot ask is not refused");
        } finally {
            TestDatabases.execute(root, "SET GLOBAL read_only = OFF", "DROP USER 'wt_runtime'@'%'", "DROP USER 'wt_reader'@'%'", "DROP USER 'wt_admin'@'%'",
                    "DROP DATABASE " + db);
        }
    }
}
