package org.csmh.agent.copy;

import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Tables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.SqlErrors;

/** Both tables on one server: one INSERT..SELECT per chunk, ids kept, one transaction per chunk. */
final class SameInstanceCopier implements ChunkCopier {
    private final Connection connection;
    private final String sql;

    SameInstanceCopier(Connection connection, Tables tables) throws SQLException {
        this.connection = connection;
        StrictWrites.prepare(connection);
        this.sql = "INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") SELECT " + Tables.COLUMNS
                + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ? ORDER BY id";
    }

    @Override
    public void copyAll(ChunkWalker walker) throws Exception {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                IdRange r = next.get();
                long t0 = System.nanoTime();
                ps.setLong(1, r.first());
                ps.setLong(2, r.last());
                int rows;
                try {
                    rows = ps.executeUpdate();
                    StrictWrites.noWarnings(ps, r);
                    connection.commit();
                } catch (SQLException e) {
                    rollbackQuietly();
                    if (SqlErrors.isDuplicateKey(e)) {
                        throw StrictWrites.duplicate(r, e);
                    }
                    throw e;
                } catch (JobFailure e) {
                    rollbackQuietly();
                    throw e;
                }
                walker.completed(r, rows, System.nanoTime() - t0);
            }
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is likely gone; the server rolls back on its own
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing after an error
        }
    }
}
