package org.csmh.agent.testing;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;

/**
 * Real replication between sandboxes of one engine, in that engine's own syntax: MariaDB names a connection
 * ({@code CHANGE MASTER 'a' TO}), MySQL a channel ({@code FOR CHANNEL 'a'}); the name "" is each engine's default
 * one. The servers are shared by every test of the run, each started once with the options replication needs.
 */
public final class Replication {
    private final SandboxEngine engine;
    private final Endpoint replica;
    private final List<String> channels = new ArrayList<>();

    public Replication(SandboxEngine engine, Endpoint replica) {
        this.engine = engine;
        this.replica = replica;
    }

    public static DatabaseSandbox primary(SandboxEngine engine) {
        return TestDatabases.server(engine, "primary", "--server-id=1", "--log-bin=primary-bin", "--binlog-format=ROW");
    }

    /** A second source, for a replica of two (multi-source replication). */
    public static DatabaseSandbox secondPrimary(SandboxEngine engine) {
        return TestDatabases.server(engine, "second-primary", "--server-id=3", "--log-bin=second-bin", "--binlog-format=ROW");
    }

    public static DatabaseSandbox replica(SandboxEngine engine) {
        return TestDatabases.server(engine, "replica", "--server-id=2", "--relay-log=replica-relay");
    }

    /** Replicates {@code source} from its current binary log position on, through channel {@code name}, delayed. */
    public void replicate(String name, Endpoint source, int delaySeconds) {
        String auth = engine.isMySql() ? " IDENTIFIED WITH mysql_native_password BY 'repl-pw'" : " IDENTIFIED BY 'repl-pw'";
        TestDatabases.execute(source, "CREATE USER IF NOT EXISTS 'repl'@'%'" + auth, "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'");
        String file = TestDatabases.queryString(source, "SHOW MASTER STATUS", 1);
        long position = Long.parseLong(TestDatabases.queryString(source, "SHOW MASTER STATUS", 2));
        String to = " TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port() + ", MASTER_USER='repl', MASTER_PASSWORD='repl-pw',"
                + " MASTER_LOG_FILE='" + file + "', MASTER_LOG_POS=" + position + ", MASTER_DELAY=" + delaySeconds;
        channels.add(name);
        if (engine.isMySql()) {
            TestDatabases.execute(replica, "CHANGE MASTER" + to + forChannel(name), "START SLAVE" + forChannel(name));
        } else {
            TestDatabases.execute(replica, "CHANGE MASTER '" + name + "'" + to, "START SLAVE '" + name + "'");
        }
    }

    /** Seconds_Behind_Master of one channel, as root reads it. */
    public long lag(String name) {
        String sql = engine.isMySql() ? "SHOW SLAVE STATUS" + forChannel(name) : "SHOW SLAVE '" + name + "' STATUS";
        try (var c = new ConnectionFactory(5_000).open(replica); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong("Seconds_Behind_Master");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void stopSqlThread(String name) {
        TestDatabases.execute(replica, engine.isMySql() ? "STOP SLAVE SQL_THREAD" + forChannel(name) : "STOP SLAVE '" + name + "' SQL_THREAD");
    }

    /**
     * Stops and forgets every channel this object made: each statement on its own, so that cleaning up after a
     * failure does not hide it.
     */
    public void removeAll() {
        for (String name : channels) {
            List<String> sql = engine.isMySql() ? List.of("STOP SLAVE" + forChannel(name), "RESET SLAVE ALL" + forChannel(name))
                    : List.of("STOP SLAVE '" + name + "'", "RESET SLAVE '" + name + "' ALL");
            for (String s : sql) {
                try {
                    TestDatabases.execute(replica, s);
                } catch (IllegalStateException e) {
                    System.err.println("replication cleanup: " + s + ": " + e.getMessage());
                }
            }
        }
        channels.clear();
    }

    private static String forChannel(String name) {
        return " FOR CHANNEL '" + name + "'";
    }
}
