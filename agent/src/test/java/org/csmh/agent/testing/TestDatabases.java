package org.csmh.agent.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.junit.jupiter.api.Assumptions;

/**
 * The database server the integration tests run against, chosen once per JVM:
 * CSMH_TEST_MYSQL=host:port:user (password in CSMH_TEST_MYSQL_PASSWORD) for an external server, otherwise a
 * throwaway MariaDB sandbox started from the local mariadbd and killed when the JVM exits.
 */
public final class TestDatabases {
    private static Endpoint root;
    private static DatabaseSandbox sandbox;

    private TestDatabases() {
    }

    public static synchronized Endpoint root() {
        if (root == null) {
            String external = System.getenv("CSMH_TEST_MYSQL");
            if (external != null && !external.isBlank()) {
                String[] p = external.split(":");
                String pw = System.getenv().getOrDefault("CSMH_TEST_MYSQL_PASSWORD", "");
                root = new Endpoint("external", p[0], Integer.parseInt(p[1]), p.length > 2 ? p[2] : "root", pw, null);
            } else {
                Assumptions.assumeTrue(DatabaseSandbox.findServerBinary().isPresent(), "no mariadbd on this machine");
                try {
                    sandbox = DatabaseSandbox.start(Path.of("target", "sandboxes").toAbsolutePath());
                } catch (Exception e) {
                    throw new IllegalStateException("could not start the MariaDB sandbox", e);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
                root = sandbox.rootEndpoint();
            }
        }
        return root;
    }

    private static DatabaseSandbox second;

    /** A second server, for cross-server copies: always a sandbox, so tests may kill and restart it. */
    public static synchronized DatabaseSandbox secondSandbox() {
        if (second == null) {
            Assumptions.assumeTrue(DatabaseSandbox.findServerBinary().isPresent(), "no mariadbd on this machine");
            try {
                second = DatabaseSandbox.start(Path.of("target", "sandboxes").toAbsolutePath());
            } catch (Exception e) {
                throw new IllegalStateException("could not start the second MariaDB sandbox", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(second::close));
        }
        return second;
    }

    private static final java.util.Map<String, DatabaseSandbox> ENGINES = new java.util.HashMap<>();

    /**
     * A sandbox of this engine, started once and shared (the default MariaDB 10.11 one is {@link #root()}'s); {@code
     * role} names another server of the same engine, e.g. "second" for a cross-server target or "replica".
     */
    public static synchronized DatabaseSandbox server(SandboxEngine engine, String role, String... serverOptions) {
        String key = engine.label() + "/" + role;
        DatabaseSandbox s = ENGINES.get(key);
        if (s == null) {
            Assumptions.assumeTrue(engine.available(), engine.label() + " is not available on this machine");
            try {
                s = DatabaseSandbox.start(engine, Path.of("target", "sandboxes").toAbsolutePath(), 128, java.util.List.of(serverOptions));
            } catch (Exception e) {
                throw new IllegalStateException("could not start a " + engine.label() + " sandbox", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            ENGINES.put(key, s);
        }
        return s;
    }

    /** The sandbox, when the tests run on one (kill/restart tests need it). */
    public static synchronized DatabaseSandbox sandbox() {
        root();
        return sandbox;
    }

    public static long queryLong(Endpoint endpoint, String sql) {
        return firstValue(endpoint, sql, rs -> rs.getLong(1));
    }

    /** The given column of the first row, e.g. 2 for SHOW CREATE TABLE's definition. */
    public static String queryString(Endpoint endpoint, String sql, int column) {
        return firstValue(endpoint, sql, rs -> rs.getString(column));
    }

    public static String queryString(Endpoint endpoint, String sql) {
        return firstValue(endpoint, sql, rs -> rs.getString(1));
    }

    /** The first column of every row. */
    public static java.util.List<String> queryStrings(Endpoint endpoint, String sql) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = new ConnectionFactory(5000).open(endpoint); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Column<T> {
        T read(java.sql.ResultSet rs) throws SQLException;
    }

    private static <T> T firstValue(Endpoint endpoint, String sql, Column<T> column) {
        try (Connection c = new ConnectionFactory(5000).open(endpoint); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return column.read(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }


    /**
     * A statement that runs {@code seconds} on {@code server}, one more in its Threads_running; returns once the
     * server runs it (or after 10 s), with the thread that runs it.
     */
    public static Thread busyFor(Endpoint server, int seconds) throws InterruptedException {
        String sleep = "SELECT SLEEP(" + seconds + ")";
        Thread busy = new Thread(() -> execute(server, sleep));
        busy.start();
        long until = System.currentTimeMillis() + 10_000;
        while (queryLong(server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = '" + sleep + "'") == 0
                && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        return busy;
    }

    public static void execute(Endpoint endpoint, String... sql) {
        try (Connection c = new ConnectionFactory(5000).open(endpoint); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
