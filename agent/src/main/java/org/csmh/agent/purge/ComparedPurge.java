package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.verify.ChunkChecksum;

/**
 * CSMHE on another server, or an account that cannot read it from the old table's server: each side hashes the
 * chunk's rows (MD5 of the text the verify sums), the old rows are locked (FOR UPDATE) while they are compared, and
 * only the ids whose hashes match on both sides are deleted, by id. The new side's rows are share-locked until the
 * old side commits, so neither changes between the comparison and the delete.
 */
final class ComparedPurge implements ChunkPurge {
    static final String WRITE_PATH = "chunked DELETE of the ids whose rows CSMHE holds (each side's rows hashed and compared,"
            + " the old rows locked meanwhile), a transaction per chunk (the table's file keeps its size)";
    /** Ids per DELETE statement: a few KiB of text, far below any max_allowed_packet. */
    private static final int IDS_PER_DELETE = 1000;
    private final Connection old;
    private final Connection copy;
    private final String oldTable;
    private final PreparedStatement oldRows;
    private final PreparedStatement newRows;

    ComparedPurge(Connection purger, Connection target, Tables tables) throws SQLException {
        this.old = purger;
        this.copy = target;
        this.oldTable = tables.csmh();
        old.setAutoCommit(false);
        copy.setAutoCommit(false);
        String oldHash = "MD5(" + ChunkChecksum.rowText(new Inspector(old).textCharsets(tables.sourceDb(), TableNames.CSMH)) + ")";
        String newHash = "MD5(" + ChunkChecksum.rowText(new Inspector(copy).textCharsets(tables.targetDb(), TableNames.CSMHE)) + ")";
        this.oldRows = old.prepareStatement("SELECT id, " + oldHash + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ? ORDER BY id FOR UPDATE");
        this.newRows = copy.prepareStatement("SELECT id, " + newHash + " FROM " + tables.csmhe() + " WHERE id BETWEEN ? AND ? LOCK IN SHARE MODE");
    }

    @Override
    public String writePath() {
        return WRITE_PATH;
    }

    @Override
    public Outcome purge(IdRange r) throws SQLException {
        Map<Long, String> had = hashes(oldRows, r);
        Map<Long, String> held = hashes(newRows, r);
        List<Long> gone = new ArrayList<>();
        long kept = 0;
        long keptFirst = 0;
        long keptLast = 0;
        for (Map.Entry<Long, String> row : had.entrySet()) {
            if (row.getValue() != null && row.getValue().equals(held.get(row.getKey()))) {
                gone.add(row.getKey());
            } else {
                kept++;
                keptFirst = keptFirst == 0 ? row.getKey() : keptFirst;
                keptLast = row.getKey();
            }
        }
        long deleted = 0;
        try (Statement st = old.createStatement()) {
            for (int i = 0; i < gone.size(); i += IDS_PER_DELETE) {
                List<Long> batch = gone.subList(i, Math.min(gone.size(), i + IDS_PER_DELETE));
                StringBuilder sql = new StringBuilder("DELETE FROM ").append(oldTable).append(" WHERE id IN (");
                for (int k = 0; k < batch.size(); k++) {
                    sql.append(k == 0 ? "" : ",").append(batch.get(k));
                }
                deleted += st.executeUpdate(sql.append(')').toString());
            }
        }
        return new Outcome(deleted, kept, keptFirst, keptLast);
    }

    private static Map<Long, String> hashes(PreparedStatement ps, IdRange r) throws SQLException {
        ps.setLong(1, r.first());
        ps.setLong(2, r.last());
        Map<Long, String> out = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The old side first: its deletes are what count; the new side's share locks go after. */
    @Override
    public void commit() throws SQLException {
        old.commit();
        copy.commit();
    }

    @Override
    public void rollback() throws SQLException {
        try {
            old.rollback();
        } finally {
            copy.rollback();
        }
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement a = oldRows; PreparedStatement b = newRows) {
            // both closed, the second even when the first fails
        }
    }
}
