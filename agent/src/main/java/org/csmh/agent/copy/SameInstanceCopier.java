package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.util.DaemonThreads;

/**
 * Both tables on one server: one INSERT..SELECT per chunk, ids kept, one transaction per chunk. With several
 * connections the chunks run at once and commit in id order ({@link OrderedCommits}): INSERT..SELECT runs on one
 * server thread, and under innodb_autoinc_lock_mode 2 a second one took a quarter off (1M rows on MariaDB 10.11,
 * 2 cores: 7.1-7.4 s vs 9.3-9.8 s). Under modes 0 and 1 each statement holds CSMHE's AUTO-INC lock, so they would
 * only take turns: the caller gives one connection there.
 */
final class SameInstanceCopier implements ChunkCopier {
    private final List<Writer> writers = new ArrayList<>();

    /** One connection and its prepared INSERT..SELECT. */
    private static final class Writer implements OrderedCommits.Writer {
        private final Connection connection;
        private final PreparedStatement insert;

        Writer(Connection connection, String sql) throws SQLException {
            this.connection = connection;
            StrictWrites.prepare(connection);
            this.insert = connection.prepareStatement(sql);
        }

        long copy(IdRange r) throws Exception {
            try {
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

    /** @param connections one per writer (the copier closes them) */
    SameInstanceCopier(List<Connection> connections, Tables tables) throws SQLException {
        String sql = "INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") SELECT " + Tables.COLUMNS
                + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ? ORDER BY id";
        for (Connection c : connections) {
            writers.add(new Writer(c, sql));
        }
    }

    @Override
    public void copyAll(ChunkWalker walker) throws Exception {
        String name = Thread.currentThread().getName();
        ExecutorService throttleReads = Executors.newSingleThreadExecutor(DaemonThreads.named(name + "-throttle"));
        try (OrderedCommits<Writer> commits = new OrderedCommits<>(writers, name + "-writer")) {
            while (true) {
                commits.awaitWriter(walker); // before the pace, which runs from the end of a chunk
                var next = walker.next();
                if (next.isEmpty()) {
                    break;
                }
                IdRange r = next.get();
                commits.submit(r, w -> w.copy(r), walker);
                if (!walker.pausesBetweenChunks()) {
                    // the next chunk's throttle reading, taken while this one is written: one round trip less per
                    // chunk (after a pause a reading must be fresh, so none is taken ahead there)
                    walker.prefetchThrottle(throttleReads);
                }
            }
            commits.finish();
        } finally {
            walker.dropPrefetchedThrottle();
            throttleReads.shutdownNow();
            throttleReads.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        for (Writer w : writers) {
            try {
                w.connection.close();
            } catch (SQLException ignored) {
                // closing after an error
            }
        }
    }
}
