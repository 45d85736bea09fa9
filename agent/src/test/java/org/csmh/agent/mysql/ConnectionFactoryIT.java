package org.csmh.agent.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.csmh.agent.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A job's connections are opened side by side: what the job gets must be what opening them one by one gave, in the
 * order asked, and a failure must leave no connection behind and report the same error.
 */
class ConnectionFactoryIT {
    private final ConnectionFactory factory = new ConnectionFactory(5000);

    @Test
    void connectionsComeBackInTheOrderAskedWithTheirOwnSettings() throws Exception {
        Endpoint root = TestDatabases.root();
        String user = user("order");
        TestDatabases.execute(root, "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-order-1'", "GRANT SELECT ON mysql.* TO '" + user + "'@'%'");
        try {
            Endpoint a = new Endpoint("a", root.host(), root.port(), user, "pw-order-1", "mysql");
            Endpoint b = new Endpoint("b", root.host(), root.port(), user, "pw-order-1", "information_schema");
            Properties streaming = new Properties();
            streaming.setProperty("socketTimeout", "123000");
            List<Connection> opened = factory.openAll(List.of(new ConnectionFactory.Opening(a, new Properties()),
                    new ConnectionFactory.Opening(b, streaming), new ConnectionFactory.Opening(a, new Properties())));
            try {
                assertEquals(List.of("mysql", "information_schema", "mysql"), opened.stream().map(ConnectionFactoryIT::database).toList());
                assertEquals(123000, opened.get(1).getNetworkTimeout(), "the second opening's own driver properties");
                assertEquals(0, opened.get(0).getNetworkTimeout());
                assertEquals(3, sessionsOf(root, user));
            } finally {
                for (Connection c : opened) {
                    c.close();
                }
            }
            assertEquals(List.of(), factory.openAll(List.of()));
        } finally {
            TestDatabases.execute(root, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void aFailedOpeningClosesTheOthersAndReportsTheFirstFailureInTheOrderAsked() throws Exception {
        Endpoint root = TestDatabases.root();
        String user = user("fail");
        TestDatabases.execute(root, "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-fail-1'");
        try {
            Endpoint good = new Endpoint("good", root.host(), root.port(), user, "pw-fail-1", null);
            Endpoint wrongPassword = new Endpoint("wrong-password", root.host(), root.port(), user, "not-it", null);
            Endpoint unknownUser = new Endpoint("unknown-user", root.host(), root.port(), user + "_x", "pw", null);
            for (int i = 0; i < 5; i++) {
                DatabaseAccessException e = assertThrows(DatabaseAccessException.class, () -> factory.openAll(List.of(
                        new ConnectionFactory.Opening(good, new Properties()), new ConnectionFactory.Opening(wrongPassword, new Properties()),
                        new ConnectionFactory.Opening(good, new Properties()), new ConnectionFactory.Opening(unknownUser, new Properties()))));
                assertTrue(e.getMessage().startsWith("login on " + wrongPassword.describe() + " failed: Access denied"), e.getMessage());
                assertEquals(SqlErrors.Kind.ACCESS_DENIED, e.kind());
                // The first one failing too: its error, not a later one's.
                e = assertThrows(DatabaseAccessException.class, () -> factory.openAll(List.of(
                        new ConnectionFactory.Opening(unknownUser, new Properties()), new ConnectionFactory.Opening(good, new Properties()),
                        new ConnectionFactory.Opening(wrongPassword, new Properties()))));
                assertTrue(e.getMessage().startsWith("login on " + unknownUser.describe()), e.getMessage());
            }
            // Every connection that did open was closed before the error reached the caller (the server drops a
            // closed session from its list a moment later).
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sessionsOf(root, user) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, sessionsOf(root, user));
        } finally {
            TestDatabases.execute(root, "DROP USER '" + user + "'@'%'");
        }
    }

    private static String user(String what) {
        return "cf_" + what + "_" + ProcessHandle.current().pid();
    }

    private static String database(Connection c) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DATABASE()")) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sessionsOf(Endpoint root, String user) {
        return TestDatabases.queryLong(root, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'");
    }
}
