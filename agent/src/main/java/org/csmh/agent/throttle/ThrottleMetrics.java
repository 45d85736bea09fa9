package org.csmh.agent.throttle;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.SqlErrors;

/** Reads the numbers the throttler decides on; collecting is kept apart from deciding. */
public class ThrottleMetrics {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ThrottleMetrics.class.getName());
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
     * The load signals {@code names} on one server. A lost connection is not a reading: it is the job's own database
     * going away, which the job's retry loop waits out with a new connection (waiting here on a dead one would wait
     * forever).
     */
    public Map<String, Reading> load(Connection server, java.util.Collection<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        try {
            return LoadSignals.read(server, names);
        } catch (SQLException e) {
            if (SqlErrors.isTransient(e)) {
                throw new ConnectionLost(e);
            }
            Map<String, Reading> out = new LinkedHashMap<>();
            names.forEach(n -> out.put(n, Reading.failed(n + " unreadable: " + e.getMessage())));
            return out;
        }
    }

    /** The job's own connection died while reading a metric. */
    public static final class ConnectionLost extends RuntimeException {
        ConnectionLost(SQLException cause) {
            super("connection lost while reading the load signals: " + SqlErrors.firstLine(cause), cause);
        }
    }

    /**
     * The statements that list a server's replication channels, newest spelling first: MariaDB 10.5.1+ (every
     * connection), MySQL 8.0.22+ (every channel; MySQL 8.4 has no other), MariaDB before 10.5.1, then the old
     * spelling MySQL before 8.0.22 needs. A syntax error moves on to the next; what worked is remembered per endpoint.
     */
    static final List<String> REPLICA_STATUS = List.of("SHOW ALL REPLICAS STATUS", "SHOW REPLICA STATUS", "SHOW ALL SLAVES STATUS",
            "SHOW SLAVE STATUS");
    private static final int SYNTAX_ERROR = 1064;
    private final Map<String, String> statementFor = new java.util.concurrent.ConcurrentHashMap<>();
    /** The last lag read per replica endpoint, for the metrics endpoint (a dashboard shows what the throttle saw). */
    private final Map<String, Reading> lastLag = new java.util.concurrent.ConcurrentHashMap<>();

    /** The last lag read of each replica endpoint any job watched. */
    public Map<String, Reading> lastReplicaLag() {
        return Map.copyOf(lastLag);
    }

    /**
     * The lag of each replica endpoint: the largest Seconds_Behind_Source (Seconds_Behind_Master before MySQL 8.0.22
     * and on MariaDB) over all its channels. A channel whose lag is NULL (a replication thread stopped) or a server
     * with no channel cannot be read, which throttles (see {@link Throttler}).
     */
    public Map<String, Reading> replicaLag(Iterable<String> replicaEndpoints) {
        Map<String, Reading> out = new LinkedHashMap<>();
        for (String name : replicaEndpoints) {
            try (Connection c = connections.open(endpoints.apply(name))) {
                out.put(name, lagOf(name, c));
            } catch (SQLException | RuntimeException e) {
                out.put(name, Reading.failed(SqlErrors.firstLine(e)));
            }
        }
        lastLag.putAll(out);
        return out;
    }

    private Reading lagOf(String name, Connection c) throws SQLException {
        String known = statementFor.get(name);
        List<String> candidates = known != null ? List.of(known) : REPLICA_STATUS;
        SQLException last = null;
        for (String sql : candidates) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                if (known == null) {
                    statementFor.put(name, sql);
                    LOG.info("event=replica_status_statement endpoint=" + name + " statement=\"" + sql + "\"");
                }
                return maxLag(rs, sql);
            } catch (SQLException e) {
                if (e.getErrorCode() != SYNTAX_ERROR) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** The largest lag over the rows of a replica-status listing, whichever spelling of its columns the server uses. */
    static Reading maxLag(ResultSet rs, String sql) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int lagColumn = 0;
        int channelColumn = 0;
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String col = md.getColumnLabel(i);
            if (col.equals("Seconds_Behind_Master") || col.equals("Seconds_Behind_Source")) {
                lagColumn = i;
            } else if (col.equals("Channel_Name") || col.equals("Connection_name")) {
                channelColumn = i;
            }
        }
        if (lagColumn == 0) {
            return Reading.failed(sql + " has no Seconds_Behind column");
        }
        long max = -1;
        int channels = 0;
        while (rs.next()) {
            channels++;
            long v = rs.getLong(lagColumn);
            if (rs.wasNull()) {
                String channel = channelColumn == 0 ? "" : rs.getString(channelColumn);
                return Reading.failed("replication is not running" + (channel == null || channel.isEmpty() ? "" : " on channel '" + channel + "'")
                        + " (lag is NULL)");
            }
            max = Math.max(max, v);
        }
        return channels == 0 ? Reading.failed("not a replica (" + sql + " is empty)") : Reading.of(max);
    }
}
