package org.csmh.agent.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Tables;

/**
 * What CSMHE holds at ids the old table also uses (at or below max(CSMH.id)): nothing, copies of the old rows, or
 * rows something else wrote there. The last happens when CSMHE was made by Django: migration 0001 moves
 * AUTO_INCREMENT only on a connection named student_module_history and its RunPython carries no hints, so the router
 * refuses it and the LMS numbers new history rows from 1, over ids the old table holds. Copying into them would
 * skip or collide with rows, so callers refuse.
 *
 * <p>Cheap on a billion rows: MIN/MAX on the primary key, then one checksum of a window at each end of what is there
 * (a copy writes in id order from the bottom, the LMS from 1 upward, so either end shows which it was). Rows only
 * missing from a window do not count: they are a copy's gap, not another writer's rows.
 */
public final class OldIdRows {
    /** Ids compared at each end; small enough for a status call. */
    public static final int WINDOW = 1_000;

    /** Rows at old ids: the lowest and highest, and whether they differ from the old rows with the same ids. */
    public record Finding(long lowest, long highest, long oldMax, boolean foreign, IdRange differing) {
        public String describe(String csmhe) {
            if (!foreign) {
                return "ids " + lowest + ".." + highest + " hold copies of the old rows";
            }
            long above = oldMax + 10_000;
            return csmhe + " holds rows at ids " + lowest + ".." + highest + ", at or below the old table's max(id) " + oldMax
                    + ", that are not the old rows with those ids (ids " + differing + " differ): the LMS wrote them after"
                    + " ENABLE_CSMH_EXTENDED, numbering from 1, because migration 0001 does not move AUTO_INCREMENT on the"
                    + " student_module_history database. A copy would skip or collide with them, so nothing is copied over them."
                    + " Keep them by moving them above the old ids (nothing references history rows), then copy: ALTER TABLE "
                    + csmhe + " AUTO_INCREMENT = " + above + "; INSERT INTO " + csmhe + " (version, created, state, grade, max_grade,"
                    + " student_module_id) SELECT version, created, state, grade, max_grade, student_module_id FROM " + csmhe
                    + " WHERE id <= " + oldMax + " ORDER BY id; DELETE FROM " + csmhe + " WHERE id <= " + oldMax
                    + " (the ALTER first, so that no new row lands there; then the INSERT and the DELETE in one transaction)";
        }
    }

    private OldIdRows() {
    }

    /** @return empty when CSMHE has no row at or below oldMax */
    public static Optional<Finding> probe(Connection source, Connection target, Tables tables, long oldMax) throws SQLException {
        if (oldMax < 1) {
            return Optional.empty();
        }
        // Only ids from the old table's lowest up: below it a purge removed the old rows whose copies CSMHE holds, and
        // no copy writes there.
        long oldMin;
        try (PreparedStatement ps = source.prepareStatement("SELECT MIN(id) FROM " + tables.csmh())) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                oldMin = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
            }
        }
        long lowest;
        long highest;
        try (PreparedStatement ps = target.prepareStatement("SELECT MIN(id), MAX(id) FROM " + tables.csmhe() + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, oldMin);
            ps.setLong(2, oldMax);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                lowest = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
                highest = rs.getLong(2);
            }
        }
        IdRange bottom = new IdRange(lowest, Math.min(highest, lowest + WINDOW - 1));
        IdRange top = new IdRange(Math.max(lowest, highest - WINDOW + 1), highest);
        for (IdRange r : bottom.equals(top) ? new IdRange[] {bottom} : new IdRange[] {bottom, top}) {
            // A window that only lacks rows (a late commit a copy missed) holds copies all the same: copying again
            // brings the rest, where the remedy below would move every copied row.
            if (ChunkChecksum.foreignRows(source, target, tables, r).isPresent()) {
                return Optional.of(new Finding(lowest, highest, oldMax, true, r));
            }
        }
        return Optional.of(new Finding(lowest, highest, oldMax, false, null));
    }
}
