package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.Replication;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A replica with two replication channels (multi-source: MariaDB's named connections, MySQL's channels), read by an
 * account holding only the privilege README documents for the replica endpoint. Channel 'a' replicates an idle
 * source, channel 'b' a busy one through MASTER_DELAY: the lag read is channel b's, the largest, even though a
 * listing's first row (channel a) says 0. A stopped SQL thread on one channel makes the whole replica unreadable, and
 * the reason names the channel; an account without the privilege gets the server's refusal as the reason.
 */
class ReplicaChannelsIT {
    private static final int DELAY_SECONDS = 3;

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MARIADB_11_4", "MYSQL_8_0"})
    void theLagIsTheLargestOverEveryChannelReadWithTheDocumentedPrivilege(SandboxEngine engine) throws Exception {
        Endpoint a = Replication.primary(engine).rootEndpoint();
        Endpoint b = Replication.secondPrimary(engine).rootEndpoint();
        Endpoint r = Replication.replica(engine).rootEndpoint();
        Replication channels = new Replication(engine, r);
        // README's privileges for the replica endpoint's account, each alone in an account of its own; and those that
        // are not enough: none; on MariaDB 10.5.9+ REPLICATION CLIENT (which MariaDB reads as BINLOG MONITOR); and on
        // MariaDB 11.0+ SUPER, which no longer implies REPLICA MONITOR there.
        List<String> enough = switch (engine) {
            case MYSQL_8_0 -> List.of("REPLICATION CLIENT");
            case MARIADB_10_11 -> List.of("REPLICA MONITOR", "SUPER");
            case MARIADB_11_4 -> List.of("REPLICA MONITOR");
        };
        List<String> notEnough = switch (engine) {
            case MYSQL_8_0 -> List.of("USAGE");
            case MARIADB_10_11 -> List.of("USAGE", "REPLICATION CLIENT");
            case MARIADB_11_4 -> List.of("USAGE", "REPLICATION CLIENT", "SUPER");
        };
        Map<String, Endpoint> endpoints = new java.util.HashMap<>();
        for (String privilege : union(enough, notEnough)) {
            String user = "mon_" + privilege.replace(' ', '_').toLowerCase();
            TestDatabases.execute(r, "DROP USER IF EXISTS '" + user + "'@'%'", "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'mon-pw'",
                    "GRANT " + privilege + " ON *.* TO '" + user + "'@'%'");
            endpoints.put(privilege, new Endpoint(privilege, r.host(), r.port(), user, "mon-pw", ""));
        }
        ThrottleMetrics metrics = new ThrottleMetrics(new ConnectionFactory(5_000), endpoints::get);
        String monitor = enough.get(0);

        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(b, writing), "busy-source-b");
        try {
            channels.replicate("a", a, 0);
            channels.replicate("b", b, DELAY_SECONDS);
            TestDatabases.execute(b, "CREATE DATABASE IF NOT EXISTS chan_b", "CREATE TABLE IF NOT EXISTS chan_b.beat (id INT AUTO_INCREMENT PRIMARY KEY)");
            writer.start();

            long deadline = System.currentTimeMillis() + 30_000;
            long largest = -1;
            long channelAWhenLargest = -1;
            while (System.currentTimeMillis() < deadline && largest < 1) {
                ThrottleMetrics.Reading reading = metrics.replicaLag(List.of(monitor)).get(monitor);
                assertNull(reading.error(), "read with " + monitor + " alone: " + reading.error());
                if (reading.value() > largest) {
                    largest = reading.value();
                    channelAWhenLargest = channels.lag("a");
                }
                Thread.sleep(200);
            }
            assertTrue(largest >= 1 && largest <= DELAY_SECONDS + 5, "the delayed channel's lag, read over both channels: " + largest);
            assertEquals(0, channelAWhenLargest, "channel a (idle, no delay) lags 0 while the reading is channel b's");

            for (String privilege : enough) {
                ThrottleMetrics.Reading read = metrics.replicaLag(List.of(privilege)).get(privilege);
                assertNull(read.error(), "read with " + privilege + " alone: " + read.error());
            }
            for (String privilege : notEnough) {
                ThrottleMetrics.Reading refused = metrics.replicaLag(List.of(privilege)).get(privilege);
                assertNotNull(refused.error(), privilege + " alone read the lag: " + refused.value());
                assertTrue(refused.error().toLowerCase().contains("denied"), refused.error());
            }

            channels.stopSqlThread("b");
            ThrottleMetrics.Reading stopped = metrics.replicaLag(List.of(monitor)).get(monitor);
            assertEquals("replication is not running on channel 'b' (lag is NULL)", stopped.error());
        } finally {
            writing.set(false);
            writer.join(5_000);
            channels.removeAll();
        }
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** A row every 100 ms into source b, so that its delayed channel always has events waiting. */
    private static void write(Endpoint b, AtomicBoolean writing) {
        try (var c = new ConnectionFactory(5_000).open(b); var st = c.createStatement()) {
            while (writing.get()) {
                st.executeUpdate("INSERT INTO chan_b.beat VALUES (NULL)");
                Thread.sleep(100);
            }
        } catch (Exception e) {
            if (writing.get()) {
                throw new IllegalStateException(e);
            }
        }
    }
}
