package org.csmh.agent.copy;

import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Tables;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.mysql.TableNames;

/**
 * Source and target on different servers. A reader thread streams each chunk from the source as raw text-protocol
 * bytes and encodes it as LOAD DATA text while the job thread writes the previous one into the target with LOAD
 * DATA LOCAL INFILE (multi-row INSERT where the server refuses LOCAL INFILE), one transaction per chunk. All work
 * on the rows happens in the reader, so the writer only feeds the target, which is the slowest party. The hand-over
 * queue holds one chunk and a chunk holds at most {@link #MAX_CHUNK_BYTES} bytes of text, so memory stays flat
 * whatever the table size: a chunk that grows past the limit is cut and the rest of its ids follow in the next one.
 */
final class CrossServerCopier implements ChunkCopier {
    private static final Logger LOG = Logger.getLogger(CrossServerCopier.class.getName());
    static final int MAX_CHUNK_BYTES = 32 * 1024 * 1024;
    private static final Set<String> UTF8 = Set.of("utf8", "utf8mb3", "utf8mb4");

    private record Batch(IdRange range, ChunkEncoder text, Exception error, boolean end) {
        int rows() {
            return text == null ? 0 : text.rows();
        }
    }

    private final Connection source;
    private final Connection target;
    private final Tables tables;
    private final String loadSql;
    // Read by the reader thread to pick the encoding, changed by the writer if the server refuses LOAD DATA LOCAL.
    private volatile boolean localInfile = true;
    private final String insertPrefix;
    /** CSMHE's text columns are UTF-8, as the bytes the reader gets: bound as they are, no decoding. */
    private final boolean bindBytes;
    /**
     * INSERTs as server-side prepared statements with binary parameters (MariaDB), or as text statements the reader
     * encodes (MySQL). Measured at 1M rows: on MariaDB 10.11 the prepared ones took 18.6-21.7 s where the text took
     * 27.9 s; on MySQL 8.0.15 they took 67 s where the text took 23.7 s.
     */
    private final boolean preparedInserts;
    /** Server-side prepared multi-row INSERTs by row count (a full batch, and the last one of a chunk). */
    private final java.util.Map<Integer, PreparedStatement> prepared = new java.util.HashMap<>();
    static final int PREPARED_ROWS = 1000;
    static final int PREPARED_BYTES = 4 << 20;

    private final java.util.function.Consumer<String> pathReport;

    /** @param pathReport told which write path is in use (and again if it changes), for the job snapshot */
    CrossServerCopier(Connection source, Connection target, Tables tables, java.util.function.Consumer<String> pathReport) throws SQLException {
        this(source, target, tables, pathReport, null);
    }

    /**
     * @param simpleInsertsBecause when not null, write only explicit-id multi-row INSERT..VALUES ("simple inserts",
     *                             which under innodb_autoinc_lock_mode 1 take no table AUTO-INC lock) and say why
     */
    CrossServerCopier(Connection source, Connection target, Tables tables, java.util.function.Consumer<String> pathReport,
                      String simpleInsertsBecause) throws SQLException {
        this.source = source;
        this.target = target;
        this.tables = tables;
        this.pathReport = pathReport;
        StrictWrites.prepare(target);
        source.setAutoCommit(true);
        String charset = prepareCharsets(source, target, tables);
        this.bindBytes = charset.equals("binary");
        // One read of the target's facts: its flavour picks the INSERT form, its local_infile whether LOAD DATA can go.
        Inspector.ServerFacts facts = new Inspector(target).serverFacts();
        this.preparedInserts = facts.flavor().equals("MariaDB");
        String how = preparedInserts ? ", server-side prepared" : "";
        // MySQL 8 (and Tutor's 8.4) ship with local_infile=OFF: then the server refuses LOAD DATA LOCAL, so the copy
        // writes multi-row INSERTs from the start instead of failing a chunk first.
        localInfile = simpleInsertsBecause == null && facts.localInfile();
        String path = simpleInsertsBecause != null ? "multi-row INSERT..VALUES with explicit ids" + how + " (" + simpleInsertsBecause + ")"
                : localInfile ? "LOAD DATA LOCAL INFILE (CHARACTER SET " + charset + ")"
                : "multi-row INSERT" + how + " (the target has local_infile=OFF; SET GLOBAL local_infile=1 there allows"
                + " the faster LOAD DATA LOCAL)";
        LOG.info("event=cross_server_writer path=\"" + path + "\"");
        pathReport.accept(path);
        this.insertPrefix = "INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") VALUES ";
        this.loadSql = "LOAD DATA LOCAL INFILE 'csmh-chunk.tsv' INTO TABLE " + tables.csmhe() + " CHARACTER SET " + charset
                + " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + Tables.COLUMNS + ")";
    }

    /**
     * Makes the bytes the reader gets UTF-8 and picks the LOAD DATA character set for them. With
     * character_set_results NULL (Connector/J's default) the source sends each column as stored; a text column
     * that is not UTF-8 makes the reader ask for utf8mb4 instead. When every text column of CSMHE is UTF-8 too,
     * LOAD DATA takes the bytes as they are (binary): the server still checks that each value is well formed for
     * its column and warns (an error here) when one is not, such as a 4-byte character for a utf8mb3 column, but it
     * no longer converts every byte of every state, which was a fifth of the target's LOAD DATA time measured on
     * 1M rows. A target column in any other character set gets the server's conversion from utf8mb4.
     */
    static String prepareCharsets(Connection source, Connection target, Tables tables) throws SQLException {
        String results = new Inspector(source).resultsCharset();
        Set<String> sent = results == null ? new Inspector(source).textCharsets(tables.sourceDb(), TableNames.CSMH) : Set.of(results);
        if (!UTF8.containsAll(sent)) {
            try (Statement st = source.createStatement()) {
                st.execute("SET SESSION character_set_results = utf8mb4");
            }
        }
        Set<String> stored = new Inspector(target).textCharsets(tables.targetDb(), TableNames.CSMHE);
        return UTF8.containsAll(stored) ? "binary" : "utf8mb4";
    }

    @Override
    public void copyAll(ChunkWalker walker) throws Exception {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(1);
        java.util.concurrent.ExecutorService throttleReads = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, Thread.currentThread().getName() + "-throttle");
            t.setDaemon(true);
            return t;
        });
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
                // The pace and the throttle govern the writes (the reader may be a chunk ahead).
                if (!walker.awaitPace()) {
                    return;
                }
                long t0 = System.nanoTime();
                walker.prefetchThrottle(throttleReads);
                write(b);
                walker.completed(b.range(), b.rows(), System.nanoTime() - t0);
            }
        } finally {
            reader.interrupt();
            queue.clear();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            throttleReads.shutdownNow();
            throttleReads.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private void read(ChunkWalker walker, BlockingQueue<Batch> queue) {
        String sql = "SELECT " + Tables.COLUMNS + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ? ORDER BY id";
        int capacity = 1 << 20;
        try (PreparedStatement ps = source.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Integer.MIN_VALUE); // stream rows instead of buffering the whole result
            for (var next = walker.nextToRead(); next.isPresent(); next = walker.nextToRead()) {
                IdRange range = next.get();
                ps.setLong(1, range.first());
                ps.setLong(2, range.last());
                long from = range.first();
                ChunkEncoder text = encoder(capacity);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // The server's own text for every column; for DOUBLE that is the shortest text that reads back exact.
                        for (int i = 1; i <= Tables.WIDTH; i++) {
                            text.cell(rs.getBytes(i));
                        }
                        text.endRow();
                        if (text.size() >= MAX_CHUNK_BYTES && rs.getLong(1) < range.last()) {
                            long id = rs.getLong(1);
                            queue.put(new Batch(new IdRange(from, id), text, null, false));
                            from = id + 1;
                            text = encoder(capacity);
                        }
                    }
                }
                // The next chunk starts at about this one's size: few regrowth copies, and no more than the cap.
                capacity = Math.min(MAX_CHUNK_BYTES + (1 << 16), Math.max(1 << 16, text.size() + text.size() / 8));
                queue.put(new Batch(new IdRange(from, range.last()), text, null, false));
            }
            queue.put(new Batch(null, null, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            queue.clear();
            queue.offer(new Batch(null, null, e, false));
        }
    }

    private void write(Batch b) throws SQLException, JobFailure {
        if (b.rows() == 0) {
            return;
        }
        try {
            long written = b.text() instanceof RowBuffer rows ? insertPrepared(rows.list(), b.range())
                    : b.text() instanceof InsertValuesEncoder values ? insert(values, b.range())
                    : localInfile ? loadData(b) : insert(b);
            if (written != b.rows()) {
                throw new JobFailure("target took " + written + " of " + b.rows() + " rows for ids " + b.range()
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
                pathReport.accept("multi-row INSERT (the target refused LOAD DATA LOCAL: " + SqlErrors.firstLine(e) + ")");
                write(b);
                return;
            }
            throw e;
        } catch (JobFailure e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** LOAD DATA text while the target takes it; ready-made INSERT statements once it does not. */
    private ChunkEncoder encoder(int capacity) {
        return localInfile ? new LoadDataEncoder(capacity) : preparedInserts ? new RowBuffer(Tables.WIDTH)
                : new InsertValuesEncoder(insertPrefix, QUOTED, capacity);
    }

    /** version, created and state are text; id, grade, max_grade and student_module_id numbers (Tables.COLUMNS order). */
    private static final boolean[] QUOTED = {false, true, true, true, false, false, false};

    private long insert(InsertValuesEncoder values, IdRange range) throws SQLException, JobFailure {
        long total = 0;
        try (Statement st = target.createStatement()) {
            // The text is plain SQL: skip the driver's scan of every statement for JDBC escapes ({fn ...}, {ts ...}).
            st.setEscapeProcessing(false);
            for (String sql : values.statements()) {
                total += st.executeLargeUpdate(sql);
                StrictWrites.noWarnings(st, range);
            }
        }
        return total;
    }

    /**
     * The rows through server-side prepared multi-row INSERTs of {@link #PREPARED_ROWS} rows: prepared once per
     * connection, then only binary parameters travel, so the target skips parsing a few MiB of SQL per statement.
     * Values go as the bytes the source sent (the server converts text to each column's type as for a literal);
     * text columns in a character set other than UTF-8 get a string, which the driver sends in the session's.
     */
    private long insertPrepared(List<byte[][]> rows, IdRange range) throws SQLException, JobFailure {
        long total = 0;
        int from = 0;
        while (from < rows.size()) {
            // Up to PREPARED_ROWS rows and PREPARED_BYTES of values (a packet the server takes: max_allowed_packet is
            // 16 MiB by default, and a chunk may hold 32 MiB), at least one row.
            int to = from;
            long bytes = 0;
            while (to < rows.size() && to - from < PREPARED_ROWS) {
                long row = rowBytes(rows.get(to));
                if (to > from && bytes + row > PREPARED_BYTES) {
                    break;
                }
                bytes += row;
                to++;
            }
            List<byte[][]> part = rows.subList(from, to);
            PreparedStatement ps = prepared(part.size());
            int p = 1;
            for (byte[][] r : part) {
                for (byte[] cell : r) {
                    if (cell == null) {
                        ps.setNull(p++, java.sql.Types.VARCHAR);
                    } else if (bindBytes) {
                        ps.setBytes(p++, cell);
                    } else {
                        ps.setString(p++, new String(cell, StandardCharsets.UTF_8));
                    }
                }
            }
            total += ps.executeUpdate();
            StrictWrites.noWarnings(ps, range);
            from = to;
        }
        return total;
    }

    private static long rowBytes(byte[][] row) {
        long n = 0;
        for (byte[] cell : row) {
            n += cell == null ? 1 : cell.length + 9;
        }
        return n;
    }

    private PreparedStatement prepared(int rows) throws SQLException {
        PreparedStatement ps = prepared.get(rows);
        if (ps == null) {
            StringBuilder sql = new StringBuilder(insertPrefix);
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "(?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?)");
            }
            // Server-side whatever the connection's useServerPrepStmts: parsed once by the target, values sent binary.
            ps = target.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).serverPrepareStatement(sql.toString());
            if (prepared.size() > 8) {
                // Partial batches of many sizes (the last of each chunk): keep the full one, let the others go.
                PreparedStatement full = prepared.remove(PREPARED_ROWS);
                prepared.values().forEach(CrossServerCopier::closeQuietly);
                prepared.clear();
                if (full != null) {
                    prepared.put(PREPARED_ROWS, full);
                }
            }
            prepared.put(rows, ps);
        }
        return ps;
    }

    private static void closeQuietly(Statement st) {
        try {
            st.close();
        } catch (SQLException ignored) {
            // closing a statement on a dead connection: the server dropped it with the session
        }
    }

    private long loadData(Batch b) throws SQLException, JobFailure {
        try (Statement st = target.createStatement()) {
            com.mysql.cj.jdbc.JdbcStatement js = st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class);
            js.setLocalInfileInputStream(((LoadDataEncoder) b.text()).stream());
            long n = st.executeLargeUpdate(loadSql);
            StrictWrites.noWarnings(st, b.range());
            return n;
        }
    }

    /** A chunk read as LOAD DATA text that the target then refused: its rows through the prepared INSERTs. */
    private long insert(Batch b) throws SQLException, JobFailure {
        LoadDataEncoder text = (LoadDataEncoder) b.text();
        return insertPrepared(LoadDataDecoder.rows(text.buffer(), text.size(), Tables.WIDTH), b.range());
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
