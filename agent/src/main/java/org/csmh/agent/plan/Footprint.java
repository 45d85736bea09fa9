package org.csmh.agent.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A table's bytes as information_schema tells them: data (the clustered index), secondary indexes, free in its file. */
record Footprint(long data, long index, long free) {
    static final Footprint NONE = new Footprint(0, 0, 0);

    static Footprint of(Connection c, String database, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DATA_LENGTH, INDEX_LENGTH, DATA_FREE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Footprint(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : NONE;
            }
        }
    }

    /** What the table's file holds: a copy of its rows takes about as much. */
    long total() {
        return data + index;
    }
}
