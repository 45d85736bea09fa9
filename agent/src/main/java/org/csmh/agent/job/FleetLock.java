package org.csmh.agent.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One runner fleet-wide: a named MySQL lock (GET_LOCK) on the server the job writes, held by a dedicated connection
 * for as long as the job runs. Every agent copying into the same database (or purging the same old table) asks for
 * the same name; if an agent dies, its connection closes and the server frees the lock. A copy and a purge of the
 * same tables look for each other's lock before they start.
 */
public final class FleetLock implements AutoCloseable {
    private final Connection connection;
    private final String name;

    private FleetLock(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /** csmh-agent/KIND/DATABASE (at most 64 characters, MySQL's limit): copy into CSMHE's database, purge of the old table's. */
    public static String name(String kind, String database) {
        String n = "csmh-agent/" + kind + "/" + database;
        return n.length() > 64 ? n.substring(0, 64) : n;
    }

    public static FleetLock acquire(Connection connection, String name) throws SQLException, JobFailure {
        try {
            return tryAcquire(connection, name);
        } catch (SQLException | JobFailure | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the lock connection is of no further use
            }
            throw e;
        }
    }

    private static FleetLock tryAcquire(Connection connection, String name) throws SQLException, JobFailure {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 1) {
                    Long holder = holder(connection, name);
                    throw new JobFailure("another runner holds the lock '" + name + "'"
                            + (holder == null ? "" : " (server connection " + holder + ")") + "; only one may run at a time");
                }
            }
        }
        return new FleetLock(connection, name);
    }

    /**
     * Still ours? The lock lives as long as its connection: if that connection died (network cut, KILL, server
     * restart) the server released the lock and a second runner may already hold it. Checked before every chunk;
     * a lost lock is a retryable error, so the job's retry takes the lock again (or fails if another runner has it).
     */
    public void check() throws SQLException {
        boolean ours;
        try (PreparedStatement ps = connection.prepareStatement("SELECT IS_USED_LOCK(?) = CONNECTION_ID()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                ours = rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new Lost("the fleet lock's connection failed (" + e.getMessage().lines().findFirst().orElse("") + "), so the lock '"
                    + name + "' is gone; taking it again", e);
        }
        if (!ours) {
            throw new Lost("the fleet lock '" + name + "' is no longer held by this job; taking it again", null);
        }
    }

    /** The lock was lost; retryable, so the job stops writing and its next pass takes the lock again. */
    static final class Lost extends java.sql.SQLTransientConnectionException {
        Lost(String message, Throwable cause) {
            super(message, "08S01", cause);
        }
    }

    /** "server connection N holds the lock 'NAME'" when another runner holds it, or null when it is free. */
    public static String heldBy(Connection connection, String name) throws SQLException {
        Long holder = holder(connection, name);
        return holder == null ? null : "server connection " + holder + " holds the lock '" + name + "'";
    }

    /** The connection id holding the lock, or null when it is free. */
    private static Long holder(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    @Override
    public void close() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, name);
            ps.execute();
        } catch (SQLException ignored) {
            // The connection may be gone already, which released the lock too.
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
