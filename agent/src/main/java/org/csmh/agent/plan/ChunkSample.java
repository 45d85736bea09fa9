package org.csmh.agent.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.csmh.agent.mysql.Tables;

/**
 * Chunks of the old table read and timed the way the copy reads them (every column, streamed), spread evenly over the
 * id range: the source's read rate, how many rows an id holds (holes included), and the rows' bytes, which is what a
 * row-based binary log carries. Read-only; the LMS sees a few chunk-sized reads.
 */
record ChunkSample(long chunks, long ids, long rows, long payloadBytes, long nanos, double medianSecondsPerRow) {
    /** Bytes a row's fixed-width columns take in a row event: id, created, grade, max_grade, student_module_id. */
    static final int FIXED_BYTES = 8 + 8 + 8 + 8 + 4;

    static ChunkSample take(Connection reading, Tables tables, long first, long last, long chunkSize, int chunks) throws SQLException {
        long span = last - first + 1;
        if (span <= 0) {
            return new ChunkSample(0, 0, 0, 0, 0, 0);
        }
        long size = Math.max(1, Math.min(chunkSize, span));
        int n = (int) Math.max(1, Math.min(chunks, (span + size - 1) / size));
        long step = n == 1 ? 0 : (span - size) / (n - 1);
        long ids = 0;
        long rows = 0;
        long bytes = 0;
        long nanos = 0;
        java.util.List<Double> perRow = new java.util.ArrayList<>();
        String sql = "SELECT " + Tables.COLUMNS + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ?";
        // One chunk read first and not counted: the connection's and the agent's read path warm, as a copy's are after
        // its first few chunks of thousands.
        read(reading, sql, first, Math.min(last, first + size - 1));
        for (int i = 0; i < n; i++) {
            long lo = first + i * step;
            long hi = Math.min(last, lo + size - 1);
            long t0 = System.nanoTime();
            long before = rows;
            try (PreparedStatement ps = reading.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(Integer.MIN_VALUE);
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        bytes += FIXED_BYTES + length(rs.getBytes(2)) + 1 + length(rs.getBytes(4)) + 4;
                    }
                }
            }
            long took = System.nanoTime() - t0;
            nanos += took;
            ids += hi - lo + 1;
            if (rows > before) {
                perRow.add(took / 1e9 / (rows - before));
            }
        }
        java.util.Collections.sort(perRow);
        return new ChunkSample(n, ids, rows, bytes, nanos, perRow.isEmpty() ? 0 : perRow.get(perRow.size() / 4));
    }

    private static void read(Connection c, String sql, long lo, long hi) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Integer.MIN_VALUE);
            ps.setLong(1, lo);
            ps.setLong(2, hi);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getBytes(4);
                }
            }
        }
    }

    private static long length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    /** Whether the sample read every id of the range: then its row count is exact. */
    boolean coversAll(long first, long last) {
        return ids >= last - first + 1;
    }

    double rowsPerId() {
        return ids == 0 ? 0 : (double) rows / ids;
    }

    double payloadPerRow() {
        return rows == 0 ? 0 : (double) payloadBytes / rows;
    }

    /**
     * The read time per row of the chunk a quarter of the way from the fastest: the copy's thousands of chunks run
     * at the agent's and the server's steady pace, which a first chunk read from disk, or in an agent whose read path
     * is not compiled yet, does not show.
     */
    double secondsPerRow() {
        return medianSecondsPerRow;
    }
}
