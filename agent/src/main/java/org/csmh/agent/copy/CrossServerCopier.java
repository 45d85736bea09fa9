package org.csmh.agent.copy;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.SqlErrors;

/**
 * Source and target on different servers. A reader thread streams each chunk from the source as raw text-protocol
 * bytes while the job thread writes the previous one into the target with LOAD DATA LOCAL INFILE (multi-row
 * INSERT where the server refuses LOCAL INFILE), one transaction per chunk. The hand-over queue
 * holds one chunk and a chunk holds at most {@link #MAX_CHUNK_WEIGHT} bytes, so memory stays flat whatever the
 * table size: a chunk that grows past the limit is cut and the rest of its ids follow in the next one.
 */
final class CrossServerCopier implements ChunkCopier {
    private static final Logger LOG = Logger.getLogger(CrossServerCopier.class.getName());
    static final long MAX_CHUNK_WEIGHT = 32L * 1024 * 1024;
    private static final int INSERT_ROWS = 500;

    private record Batch(IdRange range, List<HistoryRow> rows, long weight, Exception error, boolean end) {
    }

    private final Connection source;
    private final Connection target;
    private final Tables tables;
    private final String loadSql;
    private boolean localInfile = true;

    CrossServerCopier(Connection source, Connection target, Tables tables) throws SQLException {
        this.source = source;
        this.target = target;
        this.tables = tables;
        StrictWrites.prepare(target);
        source.setAutoCommit(true);
        this.loadSql = "LOAD DATA LOCAL INFILE 'csmh-chunk.tsv' INTO TABLE " + tables.csmhe() + " CHARACTER SET utf8mb4"
                + " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + HistoryRow.COLUMNS + ")";
    }

    @Override
    public void copyAll(ChunkWalker walker) throws Exception {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(1);
        Thread reader = new Thread(() -> read(walker, queue), Thread.currentThread().getName() + "-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Batch b = queue.take();
                if (b.error() != null) {
                    throw b.error();
                }
                if (b.end()) {
                    return;
                }
                long t0 = System.nanoTime();
                write(b);
                walker.completed(b.range(), b.rows().size(), System.nanoTime() - t0);
            }
        } finally {
            reader.interrupt();
            queue.clear();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void read(ChunkWalker walker, BlockingQueue<Batch> queue) {
        String sql = "SELECT id, version, created, state, grade, max_grade, student_module_id FROM " + tables.csmh()
                + " WHERE id BETWEEN ? AND ? ORDER BY id";
        try (PreparedStatement ps = source.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Integer.MIN_VALUE); // stream rows instead of buffering the whole result
            for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                IdRange range = next.get();
                ps.setLong(1, range.first());
                ps.setLong(2, range.last());
                long from = range.first();
                List<HistoryRow> rows = new ArrayList<>();
                long weight = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        HistoryRow row = row(rs);
                        rows.add(row);
                        weight += row.weight();
                        if (weight >= MAX_CHUNK_WEIGHT && row.id() < range.last()) {
                            long id = row.id();
                            queue.put(new Batch(new IdRange(from, id), rows, weight, null, false));
                            from = id + 1;
                            rows = new ArrayList<>();
                            weight = 0;
                        }
                    }
                }
                queue.put(new Batch(new IdRange(from, range.last()), rows, weight, null, false));
            }
            queue.put(new Batch(null, List.of(), 0, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            queue.clear();
            queue.offer(new Batch(null, List.of(), 0, e, false));
        }
    }

    /** The server's own text for every column; for DOUBLE that is the shortest text that reads back exact. */
    private static HistoryRow row(ResultSet rs) throws SQLException {
        byte[][] cells = new byte[HistoryRow.WIDTH][];
        for (int i = 0; i < HistoryRow.WIDTH; i++) {
            cells[i] = rs.getBytes(i + 1);
        }
        return new HistoryRow(cells);
    }

    private void write(Batch b) throws SQLException, JobFailure {
        if (b.rows().isEmpty()) {
            return;
        }
        try {
            long written = localInfile ? loadData(b) : insert(b);
            if (written != b.rows().size()) {
                throw new JobFailure("target took " + written + " of " + b.rows().size() + " rows for ids " + b.range()
                        + "; rolled back (duplicate ids are skipped silently by LOAD DATA LOCAL, so this is treated as one)");
            }
            target.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            if (SqlErrors.isDuplicateKey(e)) {
                throw StrictWrites.duplicate(b.range(), e);
            }
            if (localInfile && refusesLocalInfile(e)) {
                LOG.warning("event=local_infile_refused fallback=multi_row_insert reason=\"" + SqlErrors.firstLine(e) + "\"");
                localInfile = false;
                write(b);
                return;
            }
            throw e;
        } catch (JobFailure e) {
            rollbackQuietly();
            throw e;
        }
    }

    private long loadData(Batch b) throws SQLException, JobFailure {
        try (Statement st = target.createStatement()) {
            com.mysql.cj.jdbc.JdbcStatement js = st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class);
            js.setLocalInfileInputStream(new ByteArrayInputStream(LoadDataEncoder.encode(b.rows(), b.weight())));
            long n = st.executeLargeUpdate(loadSql);
            StrictWrites.noWarnings(st, b.range());
            return n;
        }
    }

    private long insert(Batch b) throws SQLException, JobFailure {
        long total = 0;
        List<HistoryRow> rows = b.rows();
        for (int i = 0; i < rows.size(); i += INSERT_ROWS) {
            List<HistoryRow> part = rows.subList(i, Math.min(rows.size(), i + INSERT_ROWS));
            StringBuilder sql = new StringBuilder("INSERT INTO " + tables.csmhe() + " (" + HistoryRow.COLUMNS + ") VALUES ");
            for (int j = 0; j < part.size(); j++) {
                sql.append(j == 0 ? "(?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?)");
            }
            try (PreparedStatement ps = target.prepareStatement(sql.toString())) {
                int p = 1;
                for (HistoryRow r : part) {
                    for (byte[] cell : r.cells()) {
                        // Text for every column: the server converts exactly as it would the LOAD DATA text.
                        ps.setString(p++, cell == null ? null : new String(cell, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                total += ps.executeUpdate();
                StrictWrites.noWarnings(ps, b.range());
            }
        }
        return total;
    }

    private static boolean refusesLocalInfile(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase();
        return e.getErrorCode() == 1148 || e.getErrorCode() == 3948 || e.getErrorCode() == 2068 || m.contains("local data is disabled")
                || m.contains("local infile");
    }

    private void rollbackQuietly() {
        try {
            target.rollback();
        } catch (SQLException ignored) {
            // the server rolls back a dead connection's transaction by itself
        }
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {source, target}) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after an error
            }
        }
    }
}
