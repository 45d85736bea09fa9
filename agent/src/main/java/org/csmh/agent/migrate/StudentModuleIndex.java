package org.csmh.agent.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;

/**
 * coursewarehistoryextended 0003's end state: one index on student_module_id, named student_module_idx. A CSMHE an
 * older deploy made (0001-0002) has two there (0001's foreign key index, 0002's index_together); the real 0003 drops
 * both and builds student_module_idx, hours on a billion rows with lookups by student_module_id unindexed meanwhile
 * (upstream's own advice for large tables is to fake it). The same end state comes in seconds by renaming the index
 * that already covers the column and dropping the other, both metadata-only (RENAME INDEX: MySQL 5.7+, MariaDB
 * 10.5.2+).
 */
final class StudentModuleIndex {
    static final String NAME = "student_module_idx";
    static final String COLUMN = "student_module_id";

    /** What was done, and what could not be (said, never run: an index build of hours is the operator's call). */
    record Outcome(List<String> statements, String note) {
    }

    private StudentModuleIndex() {
    }

    /** The table's indexes whose only column is student_module_id, by name (0001's foreign key index, `..._s_student_module_id_<hash>`, sorts first). */
    static List<String> indexesOnColumn(Connection c, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " GROUP BY INDEX_NAME HAVING COUNT(*) = 1 AND MAX(COLUMN_NAME) = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME")) {
            ps.setString(1, database);
            ps.setString(2, TableNames.CSMHE);
            ps.setString(3, COLUMN);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static boolean atEndState(List<String> onColumn) {
        return onColumn.equals(List.of(NAME));
    }

    /** Whether the server renames an index in place: MySQL 5.7+, MariaDB 10.5.2+. */
    static boolean renamesIndexes(Inspector.ServerFacts facts) {
        int[] v = version(facts.version());
        return "MariaDB".equals(facts.flavor()) ? compare(v, new int[] {10, 5, 2}) >= 0 : compare(v, new int[] {5, 7, 0}) >= 0;
    }

    /** Brings the table to 0003's end state where that takes no index build; says what is left otherwise. */
    static Outcome bring(Connection c, String database, Inspector.ServerFacts facts) throws SQLException {
        List<String> on = indexesOnColumn(c, database);
        if (atEndState(on)) {
            return new Outcome(List.of(), null);
        }
        String table = SqlNames.qualified(database, TableNames.CSMHE);
        List<String> clauses = new ArrayList<>();
        if (on.contains(NAME)) {
            on.stream().filter(n -> !n.equals(NAME)).forEach(n -> clauses.add("DROP INDEX " + SqlNames.quoteIdentifier(n)));
        } else if (on.isEmpty()) {
            return new Outcome(List.of(), "no index covers " + COLUMN + ": 0003's end state needs one built (ALTER TABLE " + table
                    + " ADD INDEX " + NAME + " (" + COLUMN + "), in place and online, long on a large table); not done here, so 0003 is not"
                    + " recorded");
        } else if (renamesIndexes(facts)) {
            clauses.add("RENAME INDEX " + SqlNames.quoteIdentifier(on.get(0)) + " TO " + NAME);
            on.subList(1, on.size()).forEach(n -> clauses.add("DROP INDEX " + SqlNames.quoteIdentifier(n)));
        } else {
            return new Outcome(List.of(), facts.describe() + " cannot rename an index (MariaDB 10.5.2+ and MySQL 5.7+ can): 0003's end state"
                    + " needs ALTER TABLE " + table + " ADD INDEX " + NAME + " (" + COLUMN + "), DROP INDEX " + String.join(", DROP INDEX ", on)
                    + ", which builds an index over every row (in place and online; long on a large table; the real 0003 does the same with"
                    + " the column unindexed meanwhile); run it at a quiet hour, then csmhctl migrate --without-django records 0003");
        }
        String sql = "ALTER TABLE " + table + " " + String.join(", ", clauses) + ", ALGORITHM=INPLACE, LOCK=NONE";
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
        return new Outcome(List.of(sql), null);
    }

    private static int[] version(String text) {
        String[] parts = text.replaceAll("[^0-9.].*$", "").split("\\.");
        int[] out = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            out[i] = parts[i].isEmpty() ? 0 : Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
