package org.csmh.agent.copy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.mysql.SqlErrors;

/**
 * Writes chunks into CSMHE over one target connection, each in its own transaction, which the caller commits (so
 * that several writers can commit in id order). The statement follows what the chunk was encoded as: LOAD DATA
 * LOCAL text, ready-made INSERT text, or rows for server-side prepared multi-row INSERTs; a LOAD DATA the server
 * refuses is written again as INSERTs and the shared {@link TargetWrites} switches every later chunk over.
 */
final class ChunkWriter implements OrderedCommits.Writer, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ChunkWriter.class.getName());
    static final int PREPARED_ROWS = 1000;

    private final Connection target;
    private final TargetWrites writes;
    /** Server-side prepared multi-row INSERTs by row count (a full batch, and the last one of a chunk). */
    private final Map<Integer, PreparedStatement> prepared = new HashMap<>();

    ChunkWriter(Connection target, TargetWrites writes) throws SQLException {
        this.target = target;
        this.writes = writes;
        StrictWrites.prepare(target);
    }

    /** Writes the chunk's rows, uncommitted; on any failure the transaction is rolled back. */
    void write(ChunkEncoder text, IdRange range) throws Exception {
        try {
            long written = text instanceof RowBuffer rows ? insertPrepared(rows.list(), range)
                    : text instanceof InsertValuesEncoder values ? insert(values, range)
                    : writes.localInfile() ? loadData((LoadDataEncoder) text, range) : insert((LoadDataEncoder) text, range);
            if (written != text.rows()) {
                throw new JobFailure("target took " + written + " of " + text.rows() + " rows for ids " + range
                        + "; rolled back (duplicate ids are skipped silently by LOAD DATA LOCAL, so this is treated as one)");
            }
        } catch (SQLException e) {
            if (text instanceof LoadDataEncoder && writes.localInfile() && TargetWrites.refusesLocalInfile(e)) {
                rollbackQuietly();
                LOG.warning("event=local_infile_refused fallback=multi_row_insert reason=\"" + SqlErrors.firstLine(e) + "\"");
                writes.localInfileRefused(SqlErrors.firstLine(e));
                write(text, range);
                return;
            }
            throw rolledBack(e, range);
        } catch (JobFailure e) {
            throw rolledBack(e, range);
        }
    }

    @Override
    public Connection connection() {
        return target;
    }

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
            // Up to PREPARED_ROWS rows and the statement bytes the target takes (a chunk may hold 32 MiB), at least
            // one row.
            int to = from;
            long bytes = 0;
            while (to < rows.size() && to - from < PREPARED_ROWS) {
                long row = rowBytes(rows.get(to));
                if (to > from && bytes + row > writes.statementBytes()) {
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
                    } else if (writes.bindBytes()) {
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

    /** What the row's values take in COM_STMT_EXECUTE, at most: each value's type (2 bytes), length (up to 9) and bytes. */
    static long rowBytes(byte[][] row) {
        long n = 0;
        for (byte[] cell : row) {
            n += 2 + (cell == null ? 0 : cell.length + 9);
        }
        return n;
    }

    private PreparedStatement prepared(int rows) throws SQLException {
        PreparedStatement ps = prepared.get(rows);
        if (ps == null) {
            // Server-side whatever the connection's useServerPrepStmts: parsed once by the target, values sent binary.
            ps = target.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).serverPrepareStatement(writes.preparedInsert(rows));
            if (prepared.size() > 8) {
                // Partial batches of many sizes (the last of each chunk): keep the full one, let the others go.
                PreparedStatement full = prepared.remove(PREPARED_ROWS);
                prepared.values().forEach(ChunkWriter::closeQuietly);
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

    private long loadData(LoadDataEncoder text, IdRange range) throws SQLException, JobFailure {
        try (Statement st = target.createStatement()) {
            com.mysql.cj.jdbc.JdbcStatement js = st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class);
            js.setLocalInfileInputStream(text.stream());
            long n = st.executeLargeUpdate(writes.loadSql());
            StrictWrites.noWarnings(st, range);
            return n;
        }
    }

    /** A chunk read as LOAD DATA text that the target then refused: its rows through the prepared INSERTs. */
    private long insert(LoadDataEncoder text, IdRange range) throws SQLException, JobFailure {
        return insertPrepared(LoadDataDecoder.rows(text.buffer(), text.size(), org.csmh.agent.mysql.Tables.WIDTH), range);
    }

    @Override
    public void close() {
        try {
            target.close();
        } catch (SQLException ignored) {
            // closing after an error
        }
    }
}
