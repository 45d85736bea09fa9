package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.NextRowId;
import org.csmh.agent.mysql.Tables;

/**
 * Both tables on one server: one INSERT..SELECT per chunk, ids kept, one transaction per chunk. With several
 * connections the chunks run at once and commit in id order ({@link OrderedCommits}): INSERT..SELECT runs on one
 * server thread, and under innodb_autoinc_lock_mode 2 a second one took a quarter off (1M rows on MariaDB 10.11,
 * 2 cores: 7.1-7.4 s vs 9.3-9.8 s). Under modes 0 and 1 each statement holds CSMHE's AUTO-INC lock, so they would
 * only take turns: the caller gives one connection there.
 */
final class SameInstanceCopier implements ChunkCopier {
    private final List<Writer> writers = new ArrayList<>();
    /** Where the next chunk starts, asked on the copy's own thread while the writers' connections are busy. */
    private final Connection seeking;
    private final NextRowId nextRow;

    /** One connection and its prepared INSERT..SELECT. */
    private static final class Writer implements OrderedCommits.Writer {
        private final Connection connection;
        private final PreparedStatement insert;
        /** Ids per statement; 0: the whole chunk in one. */
        private final int shortIds;

        Writer(Connection connection, String sql, int shortIds) throws SQLException {
            this.connection = connection;
            this.shortIds = shortIds;
            StrictWrites.prepare(connection);
            this.insert = connection.prepareStatement(sql);
        }

        long copy(IdRange r) throws Exception {
            try {
                if (shortIds > 0) {
                    // One statement per shortIds ids, each holding CSMHE's AUTO-INC lock only that long; the batch goes
                    // to the server in one round trip and runs in the chunk's transaction.
                    for (long a = r.first(); a <= r.last(); a += shortIds) {
                        insert.setLong(1, a);
                        insert.setLong(2, Math.min(r.last(), a + shortIds - 1));
                        insert.addBatch();
                    }
                    long rows = 0;
                    for (int n : insert.executeBatch()) {
                        rows += Math.max(0, n);
                    }
                    StrictWrites.noWarnings(insert, r);
                    return rows;
                }
                insert.setLong(1, r.first());
                insert.setLong(2, r.last());
                int rows = insert.executeUpdate();
                StrictWrites.noWarnings(insert, r);
                return rows;
            } catch (SQLException | JobFailure e) {
                throw rolledBack(e, r);
            }
        }

        @Override
        public Connection connection() {
            return connection;
        }
    }

    /**
     * @param seeking     reads the old table's next id between chunks
     * @param connections one per writer (the copier closes them, and seeking)
     */
    SameInstanceCopier(Connection seeking, List<Connection> connections, Tables tables, int shortIds) throws SQLException {
        String sql = "INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") SELECT " + Tables.COLUMNS
                + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ? ORDER BY id";
        this.seeking = seeking;
        this.nextRow = new NextRowId(seeking, tables.csmh());
        for (Connection c : connections) {
            writers.add(new Writer(c, sql, shortIds));
        }
    }

    @Override
    public void copyAll(ChunkWalker walker) throws Exception {
        walker.seekWith(nextRow::atOrAfter);
        try (OrderedCommits<Writer> commits = new OrderedCommits<>(writers, walker, Thread.currentThread().getName())) {
            while (true) {
                commits.awaitWriter(); // before the pace, which runs from the end of a chunk
                var next = walker.next();
                if (next.isEmpty()) {
                    break;
                }
                IdRange r = next.get();
                commits.submit(r, w -> w.copy(r));
            }
            commits.finish();
        } finally {
            walker.seekWith(null);
        }
    }

    @Override
    public void close() {
        try {
            seeking.close();
        } catch (SQLException ignored) {
            // closing after an error
        }
        for (Writer w : writers) {
            try {
                w.connection.close();
            } catch (SQLException ignored) {
                // closing after an error
            }
        }
    }
}
