package org.csmh.agent.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeMap;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;

/**
 * Per-chunk COUNT and BIT_XOR of per-row CRC32s, the same expression on both sides. CONCAT_WS skips NULLs, so
 * ISNULL() markers keep "NULL" and "" (and a NULL moving to the next column) apart. CRC32 sums bytes, not
 * characters: a table whose text is in a character set other than UTF-8 (an old latin1 CSMH, whose rows the copy
 * converted) is summed on its rows converted to utf8mb4, so that the same text gives the same sum on both sides.
 */
public final class ChunkChecksum implements AutoCloseable {
    private static final String ROW_TEXT = "CONCAT_WS('#', id, version, created, state, grade, max_grade, student_module_id, "
            + "ISNULL(version), ISNULL(state), ISNULL(grade), ISNULL(max_grade))";
    /** One row's checksum where the text is UTF-8; public for the benchmark, whose whole-table baseline sums the same. */
    public static final String ROW_CRC = "CRC32(" + ROW_TEXT + ")";
    /** Character sets that store every character they hold as its UTF-8 bytes: no conversion needed to compare. */
    private static final Set<String> UTF8_BYTES = Set.of("utf8mb4", "utf8mb3", "utf8", "ascii");

    public record Sum(long rows, long crc) {
    }

    private final PreparedStatement chunk;
    private final PreparedStatement perRow;

    /** Sums {@code database.table}, converting its rows to utf8mb4 first if its text columns are not all UTF-8. */
    public ChunkChecksum(Connection c, String database, String table) throws SQLException {
        String crc = rowCrc(new Inspector(c).textCharsets(database, table));
        String qualified = SqlNames.qualified(database, table);
        this.chunk = c.prepareStatement("SELECT COUNT(*), COALESCE(BIT_XOR(" + crc + "), 0) FROM " + qualified + " WHERE id BETWEEN ? AND ?");
        this.perRow = c.prepareStatement("SELECT id, " + crc + " FROM " + qualified + " WHERE id BETWEEN ? AND ? ORDER BY id");
    }

    /** The old table's sums. */
    public static ChunkChecksum old(Connection source, Tables tables) throws SQLException {
        return new ChunkChecksum(source, tables.sourceDb(), TableNames.CSMH);
    }

    /** The new table's sums. */
    public static ChunkChecksum copy(Connection target, Tables tables) throws SQLException {
        return new ChunkChecksum(target, tables.targetDb(), TableNames.CSMHE);
    }

    /** The row checksum for a table whose text columns are in {@code charsets}. */
    static String rowCrc(Set<String> charsets) {
        return "CRC32(" + rowText(charsets) + ")";
    }

    /**
     * One row as the text both sides sum (the same text whatever the table's character set): the verify's CRC32 and
     * the purge's MD5 read the same bytes, so a row the verify calls equal the purge does too.
     */
    public static String rowText(Set<String> charsets) {
        return UTF8_BYTES.containsAll(charsets) ? ROW_TEXT : "CONVERT(" + ROW_TEXT + " USING utf8mb4)";
    }

    /** Whether text in these character sets is stored as its UTF-8 bytes (compared as it is, without conversion). */
    public static boolean utf8Bytes(Set<String> charsets) {
        return UTF8_BYTES.containsAll(charsets);
    }

    public Sum sum(IdRange r) throws SQLException {
        chunk.setLong(1, r.first());
        chunk.setLong(2, r.last());
        try (ResultSet rs = chunk.executeQuery()) {
            rs.next();
            return new Sum(rs.getLong(1), rs.getLong(2));
        }
    }

    /** One id range summed on the old table and on the new. */
    public record Both(Sum old, Sum copy) {
    }

    /**
     * Whether CSMHE holds, in {@code r}, a row that is not the old row with its id (a row the old table lacks, or
     * another row at an old id): the two sums when it does, empty when it holds only old rows. A range whose sums
     * differ only because the new table lacks rows (a late commit a copy missed, which a copy's recount brings) is
     * compared row by row and comes back empty. Both sides one after the other: for the small windows the copy and
     * status check below a resume point or at old ids (a verify job runs its sides in parallel, VerifyRunner).
     */
    public static java.util.Optional<Both> foreignRows(Connection source, Connection target, Tables tables, IdRange r) throws SQLException {
        try (ChunkChecksum old = old(source, tables); ChunkChecksum copy = copy(target, tables)) {
            Both sums = new Both(old.sum(r), copy.sum(r));
            if (sums.old().equals(sums.copy())) {
                return java.util.Optional.empty();
            }
            TreeMap<Long, Long> had = old.rows(r);
            boolean onlyLacks = copy.rows(r).entrySet().stream().allMatch(e -> e.getValue().equals(had.get(e.getKey())));
            return onlyLacks ? java.util.Optional.empty() : java.util.Optional.of(sums);
        }
    }

    /** Stops the chunk query if it is running (the server kills the statement; the call then fails). */
    void cancel() {
        try {
            chunk.cancel();
        } catch (SQLException ignored) {
            // nothing running, or the connection is gone: either way nothing is left to stop
        }
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement a = chunk; PreparedStatement b = perRow) {
            // both closed, the second even when the first fails
        }
    }

    /** id -> row CRC, for drilling into a chunk whose sums differ. */
    TreeMap<Long, Long> rows(IdRange r) throws SQLException {
        perRow.setLong(1, r.first());
        perRow.setLong(2, r.last());
        TreeMap<Long, Long> out = new TreeMap<>();
        try (ResultSet rs = perRow.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }
}
