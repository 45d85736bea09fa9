package org.csmh.bench;

import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.HistorySeeder;

/** The benchmarks' tables and statements: seeding the old table, fresh CSMHE targets, medians. */
final class BenchData {
    static final String SRC = "edxapp_bench";

    private BenchData() {
    }

    /** SRC.CSMH with {@code rows} synthetic rows (ids 1..rows). */
    static void seed(Endpoint root, long rows) throws java.sql.SQLException {
        exec(root, "DROP DATABASE IF EXISTS " + SRC);
        long base = Math.min(rows, 20_000);
        HistorySeeder.seed(root, SRC, base, null);
        // Doubling keeps seeding minutes-fast at millions of rows; states repeat, ids do not.
        String t = SRC + "." + TableNames.CSMH;
        long have = base;
        while (have < rows) {
            long take = Math.min(have, rows - have);
            exec(root, "INSERT INTO " + t + " (version, created, state, grade, max_grade, student_module_id) SELECT version, created, state, "
                    + "grade, max_grade, student_module_id FROM " + t + " ORDER BY id LIMIT " + take);
            have += take;
        }
        exec(root, "ANALYZE TABLE " + t);
    }

    /** max(id) of the old table: seeding leaves gaps (bulk inserts reserve ids in batches), so loops go this far. */
    static long maxId(Endpoint root) {
        return queryLong(root, "SELECT MAX(id) FROM " + SRC + "." + TableNames.CSMH);
    }

    /** The first column of the first row of {@code sql}, as a long. */
    static long queryLong(Endpoint e, String sql) {
        try (var c = new ConnectionFactory(5000).open(e); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** An empty CSMHE in {@code db} (under {@code table}), AUTO_INCREMENT well above the old ids. */
    static void freshTarget(Endpoint server, String db, String table, long rows) {
        exec(server, "DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db + " CHARACTER SET utf8", HistoryTables.createCsmhe(db),
                "ALTER TABLE " + db + "." + TableNames.CSMHE + " AUTO_INCREMENT = " + (rows * 2 + 10_000));
        if (!table.equals(TableNames.CSMHE)) {
            exec(server, "RENAME TABLE " + db + "." + TableNames.CSMHE + " TO " + db + "." + table);
        }
    }

    /** The seed procedure's statement for one chunk: INSERT..SELECT of ids lo..hi, keeping them. */
    static String insertSelectChunk(String targetDb, long lo, long hi) {
        return "INSERT INTO " + targetDb + "." + TableNames.CSMHE + " (id, version, created, state, grade, max_grade, student_module_id) "
                + "SELECT id, version, created, state, grade, max_grade, student_module_id FROM " + SRC + "." + TableNames.CSMH
                + " WHERE id BETWEEN " + lo + " AND " + hi;
    }

    static void exec(Endpoint e, String... sql) {
        try (var c = new ConnectionFactory(5000).open(e); var st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A table row: the label, both medians, their ratio and the per-rep spread. */
    static void ratioRow(StringBuilder s, String label, List<Double> ours, List<Double> base) {
        s.append(String.format(java.util.Locale.ROOT, "| %s | %.2f s | %.2f s | %.2fx | %s |%n", label, median(ours), median(base),
                median(ours) / median(base), spread(ours, base)));
    }

    /** The per-rep ratios' lowest and highest, as "0.55-0.61x". */
    static String spread(List<Double> ours, List<Double> base) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int i = 0; i < ours.size(); i++) {
            double r = ours.get(i) / base.get(i);
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        return String.format(java.util.Locale.ROOT, "%.2f-%.2fx", lo, hi);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }
}
