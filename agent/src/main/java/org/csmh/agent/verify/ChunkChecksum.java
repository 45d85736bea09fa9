package org.csmh.agent.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.TreeMap;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Tables;

/**
 * Per-chunk COUNT and BIT_XOR of per-row CRC32s, the same expression on both sides. CONCAT_WS skips NULLs, so
 * ISNULL() markers keep "NULL" and "" (and a NULL moving to the next column) apart.
 */
public final class ChunkChecksum implements AutoCloseable {
    /** One row's checksum; public for the benchmark, whose whole-table baseline sums the same expression. */
    public static final String ROW_CRC = "CRC32(CONCAT_WS('#', id, version, created, state, grade, max_grade, student_module_id, "
            + "ISNULL(version), ISNULL(state), ISNULL(grade), ISNULL(max_grade)))";

    public record Sum(long rows, long crc) {
    }

    private final PreparedStatement chunk;
    private final PreparedStatement perRow;

    public ChunkChecksum(Connection c, String table) throws SQLException {
        this.chunk = c.prepareStatement("SELECT COUNT(*), COALESCE(BIT_XOR(" + ROW_CRC + "), 0) FROM " + table + " WHERE id BETWEEN ? AND ?");
        this.perRow = c.prepareStatement("SELECT id, " + ROW_CRC + " FROM " + table + " WHERE id BETWEEN ? AND ? ORDER BY id");
    }

    public Sum sum(IdRange r) throws SQLException {
        chunk.setLong(1, r.first());
        chunk.setLong(2, r.last());
        try (ResultSet rs = chunk.executeQuery()) {
            rs.next();
            return new Sum(rs.getLong(1), rs.getLong(2));
        }
    }

    /** One id range summed on the old table and on the new, and whether they hold the same rows. */
    public record Both(Sum old, Sum copy) {
        public boolean same() {
            return old.equals(copy);
        }
    }

    /**
     * Sums one range on each side, one after the other: for the small windows the copy and status check below a
     * resume point or at old ids (a verify job runs its sides in parallel instead, VerifyRunner).
     */
    public static Both compare(Connection source, Connection target, Tables tables, IdRange r) throws SQLException {
        try (ChunkChecksum old = new ChunkChecksum(source, tables.csmh()); ChunkChecksum copy = new ChunkChecksum(target, tables.csmhe())) {
            return new Both(old.sum(r), copy.sum(r));
        }
    }

    /** Stops the chunk query if it is running (the server kills the statement; the call then fails). */
    void cancel() {
        try {
            chunk.cancel();
        } catch (SQLException ignored) {
            // nothing running, or the connection is gone: either way nothing is left to stop
        }
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement a = chunk; PreparedStatement b = perRow) {
            // both closed, the second even when the first fails
        }
    }

    /** id -> row CRC, for drilling into a chunk whose sums differ. */
    TreeMap<Long, Long> rows(IdRange r) throws SQLException {
        perRow.setLong(1, r.first());
        perRow.setLong(2, r.last());
        TreeMap<Long, Long> out = new TreeMap<>();
        try (ResultSet rs = perRow.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }
}
