package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.verify.ChunkChecksum;

/**
 * Both tables on one server and an account that reads CSMHE: one DELETE joined to CSMHE on the id and every column,
 * NULL-safe and byte for byte (a _ci collation's = calls 'A' and 'a' equal, and PAD SPACE ignores trailing blanks;
 * text in another character set is compared as its utf8mb4 bytes, as the verify sums it). The statement decides
 * and deletes at once, under the row locks it takes; what it leaves in the chunk is counted in the same transaction.
 */
final class JoinedPurge implements ChunkPurge {
    static final String WRITE_PATH = "chunked DELETE joined to CSMHE on the id and every column (only rows CSMHE holds"
            + " byte for byte go), a transaction per chunk (the table's file keeps its size)";
    private final Connection c;
    private final PreparedStatement delete;
    private final PreparedStatement left;

    JoinedPurge(Connection purger, Tables tables, Set<String> oldCharsets, Set<String> newCharsets) throws SQLException {
        this.c = purger;
        c.setAutoCommit(false);
        this.delete = c.prepareStatement("DELETE o FROM " + tables.csmh() + " o JOIN " + tables.csmhe() + " n ON n.id = o.id"
                + " AND " + same("version", oldCharsets, newCharsets) + " AND o.created <=> n.created"
                + " AND " + same("state", oldCharsets, newCharsets) + " AND o.grade <=> n.grade AND o.max_grade <=> n.max_grade"
                + " AND o.student_module_id <=> n.student_module_id WHERE o.id BETWEEN ? AND ?");
        this.left = c.prepareStatement("SELECT COUNT(*), MIN(id), MAX(id) FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ?");
    }

    /** A text column equal byte for byte on both sides (NULL equal to NULL only). */
    static String same(String column, Set<String> oldCharsets, Set<String> newCharsets) {
        return bytes("o." + column, oldCharsets) + " <=> " + bytes("n." + column, newCharsets);
    }

    private static String bytes(String column, Set<String> charsets) {
        return "CAST(" + (ChunkChecksum.utf8Bytes(charsets) ? column : "CONVERT(" + column + " USING utf8mb4)") + " AS BINARY)";
    }

    @Override
    public String writePath() {
        return WRITE_PATH;
    }

    @Override
    public Outcome purge(IdRange r) throws SQLException {
        delete.setLong(1, r.first());
        delete.setLong(2, r.last());
        int deleted = delete.executeUpdate();
        left.setLong(1, r.first());
        left.setLong(2, r.last());
        try (ResultSet rs = left.executeQuery()) {
            rs.next();
            long kept = rs.getLong(1);
            return kept == 0 ? Outcome.allDeleted(deleted) : new Outcome(deleted, kept, rs.getLong(2), rs.getLong(3));
        }
    }

    @Override
    public void commit() throws SQLException {
        c.commit();
    }

    @Override
    public void rollback() throws SQLException {
        c.rollback();
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement a = delete; PreparedStatement b = left) {
            // both closed, the second even when the first fails
        }
    }
}
