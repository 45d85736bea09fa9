package org.csmh.agent.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.mysql.Tables;

/**
 * The target's write rate, timed the way the copy writes: one chunk of old rows inserted into CSMHE with the copy's
 * statement (INSERT..SELECT on one server; multi-row INSERT..VALUES with the ids otherwise, which LOAD DATA's work on
 * the server resembles), inside a transaction that is rolled back. Nothing stays: InnoDB writes no binary log for a
 * rolled-back transaction, and ids below CSMHE's AUTO_INCREMENT do not move it. Only ids CSMHE does not hold yet are
 * used, so no row of the LMS's or an earlier copy's is touched, and a lock wait ends it after 2 s.
 */
final class WriteProbe {
    /** At most this many rows: enough to time, short enough that its locks are held briefly. */
    static final int MAX_ROWS = 10_000;
    private static final int ROWS_PER_STATEMENT = 250;

    record Result(long rows, double secondsPerRow, String how) {
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(xs);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private WriteProbe() {
    }

    /**
     * @param server      a connection to CSMHE's server with INSERT on it; for {@code insertSelect}, one that also
     *                    reads the old table (the same-instance copier's)
     * @param source      a connection that reads the old table
     * @param lo          first id of a range CSMHE holds no row of (checked again here)
     */
    static Result run(Connection server, Connection source, Tables tables, long lo, long hi, boolean insertSelect) throws SQLException {
        long end = Math.min(hi, lo + MAX_ROWS - 1);
        try (PreparedStatement ps = server.prepareStatement("SELECT COUNT(*) FROM " + tables.csmhe() + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, lo);
            ps.setLong(2, end);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return new Result(0, 0, "not timed: CSMHE already holds rows at ids " + lo + ".." + end);
                }
            }
        }
        boolean autoCommit = server.getAutoCommit();
        try (Statement st = server.createStatement()) {
            st.execute("SET SESSION innodb_lock_wait_timeout = 2");
            server.setAutoCommit(false);
            // The first half warms the statement path and the pages the writes land on, as a copy's first chunks
            // do; the second half is timed statement by statement, and the median statement speaks for the copy (one
            // statement that met a background flush does not).
            long mid = lo + (end - lo) / 2;
            List<Double> perRow = new ArrayList<>();
            long rows = 0;
            if (insertSelect) {
                String sql = "INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") SELECT " + Tables.COLUMNS + " FROM " + tables.csmh()
                        + " WHERE id BETWEEN ";
                st.executeUpdate(sql + lo + " AND " + mid);
                long step = Math.max(1, (end - mid) / 5);
                for (long a = mid + 1; a <= end; a += step) {
                    long t0 = System.nanoTime();
                    long n = st.executeUpdate(sql + a + " AND " + Math.min(end, a + step - 1));
                    if (n > 0) {
                        perRow.add((System.nanoTime() - t0) / 1e9 / n);
                        rows += n;
                    }
                }
                return new Result(rows, median(perRow), "INSERT..SELECT of ids " + lo + ".." + end + " (the second half timed), rolled back");
            }
            insert(server, tables, readRows(source, tables, lo, mid), null);
            List<Object[]> read = readRows(source, tables, mid + 1, end);
            insert(server, tables, read, perRow);
            return new Result(read.size(), median(perRow), "multi-row INSERT of ids " + lo + ".." + end + " (the second half timed), rolled back");
        } finally {
            server.rollback();
            server.setAutoCommit(autoCommit);
        }
    }

    private static List<Object[]> readRows(Connection source, Tables tables, long lo, long hi) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT " + Tables.COLUMNS + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, lo);
            ps.setLong(2, hi);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[Tables.WIDTH];
                    for (int i = 0; i < Tables.WIDTH; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** The rows as the copy's multi-row INSERTs; each statement's time per row into {@code perRow} when given. */
    private static void insert(Connection c, Tables tables, List<Object[]> rows, List<Double> perRow) throws SQLException {
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(tables.csmhe()).append(" (").append(Tables.COLUMNS).append(") VALUES ");
            String one = "(" + "?,".repeat(Tables.WIDTH - 1) + "?)";
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "" : ",").append(one);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (Object[] row : part) {
                    for (Object v : row) {
                        ps.setObject(p++, v);
                    }
                }
                long t0 = System.nanoTime();
                ps.executeUpdate();
                if (perRow != null) {
                    perRow.add((System.nanoTime() - t0) / 1e9 / part.size());
                }
            }
        }
    }
}
