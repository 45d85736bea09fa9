package org.csmh.agent.throttle;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.SqlErrors;

/** Reads the numbers the throttler decides on; collecting is kept apart from deciding. */
public class ThrottleMetrics {
    /** A reading: a value, or the reason it could not be read. */
    public record Reading(Long value, String error) {
        static Reading of(long v) {
            return new Reading(v, null);
        }

        static Reading failed(String why) {
            return new Reading(null, why);
        }
    }

    private final ConnectionFactory connections;
    private final Function<String, Endpoint> endpoints;

    public ThrottleMetrics(ConnectionFactory connections, Function<String, Endpoint> endpoints) {
        this.connections = connections;
        this.endpoints = endpoints;
    }

    /**
     * A lost connection is not a reading: it is the job's own database going away, which the job's retry loop
     * waits out with a new connection (waiting here on a dead one would wait forever).
     */
    public Reading threadsRunning(Connection target) {
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_running'")) {
            return rs.next() ? Reading.of(rs.getLong(2)) : Reading.failed("Threads_running not reported");
        } catch (SQLException e) {
            if (SqlErrors.isTransient(e)) {
                throw new ConnectionLost(e);
            }
            return Reading.failed("Threads_running unreadable: " + e.getMessage());
        }
    }

    /** The job's own connection died while reading a metric. */
    public static final class ConnectionLost extends RuntimeException {
        ConnectionLost(SQLException cause) {
            super("connection lost while reading Threads_running: " + SqlErrors.firstLine(cause), cause);
        }
    }

    /** Seconds_Behind_Master (MariaDB, MySQL < 8.0.22) or Seconds_Behind_Source (MySQL 8.0.22+) of each replica. */
    public Map<String, Reading> replicaLag(Iterable<String> replicaEndpoints) {
        Map<String, Reading> out = new LinkedHashMap<>();
        for (String name : replicaEndpoints) {
            try (Connection c = connections.open(endpoints.apply(name)); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                if (!rs.next()) {
                    out.put(name, Reading.failed("not a replica (SHOW SLAVE STATUS is empty)"));
                    continue;
                }
                ResultSetMetaData md = rs.getMetaData();
                Reading r = Reading.failed("no Seconds_Behind column");
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String col = md.getColumnLabel(i);
                    if (col.equals("Seconds_Behind_Master") || col.equals("Seconds_Behind_Source")) {
                        long v = rs.getLong(i);
                        r = rs.wasNull() ? Reading.failed("replication is not running (lag is NULL)") : Reading.of(v);
                    }
                }
                out.put(name, r);
            } catch (SQLException | RuntimeException e) {
                out.put(name, Reading.failed(e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("")));
            }
        }
        return out;
    }
}
