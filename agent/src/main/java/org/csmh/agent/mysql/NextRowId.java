package org.csmh.agent.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The first id at or after a given one in a history table: one dive into its primary key (MIN over an id range reads
 * a single index entry), prepared once per connection.
 */
public final class NextRowId implements AutoCloseable {
    private final PreparedStatement ps;

    /** @param table the qualified table name */
    public NextRowId(Connection c, String table) throws SQLException {
        ps = c.prepareStatement("SELECT MIN(id) FROM " + table + " WHERE id >= ?");
    }

    public OptionalLong atOrAfter(long id) throws SQLException {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
        }
    }

    /** The smaller of two tables' next ids (a verify's two sides), or none when neither has one. */
    public static OptionalLong first(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : OptionalLong.of(Math.min(a.getAsLong(), b.getAsLong()));
    }

    @Override
    public void close() throws SQLException {
        ps.close();
    }
}
