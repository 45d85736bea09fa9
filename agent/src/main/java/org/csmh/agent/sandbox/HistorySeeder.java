package org.csmh.agent.sandbox;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Random;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;

/** Fills a CSMH table with synthetic rows shaped like real ones (problem state JSON of about 400 bytes). */
public final class HistorySeeder {
    private static final int BATCH = 2000;

    private HistorySeeder() {
    }

    public static void seed(Endpoint server, String database, long rows, PrintStream progress) throws SQLException {
        try (Connection c = new ConnectionFactory(5000).open(server.withDatabase(null))) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE IF NOT EXISTS " + SqlNames.quoteIdentifier(database) + " CHARACTER SET utf8");
                st.execute(HistoryTables.createCsmh(database));
            }
            c.setAutoCommit(false);
            String sql = "INSERT INTO " + SqlNames.qualified(database, TableNames.CSMH)
                    + " (version, created, state, grade, max_grade, student_module_id) VALUES (?, ?, ?, ?, ?, ?)";
            Random random = new Random(42);
            Instant start = Instant.parse("2015-01-01T00:00:00Z");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (long i = 1; i <= rows; i++) {
                    ps.setString(1, i % 5 == 0 ? null : "v" + (i % 3));
                    ps.setTimestamp(2, Timestamp.from(start.plusSeconds(i * 37)));
                    ps.setString(3, i % 11 == 0 ? null : state(random));
                    if (i % 7 == 0) {
                        ps.setNull(4, java.sql.Types.DOUBLE);
                        ps.setNull(5, java.sql.Types.DOUBLE);
                    } else {
                        ps.setDouble(4, random.nextInt(5));
                        ps.setDouble(5, 4.0);
                    }
                    ps.setLong(6, 1 + random.nextInt(100_000));
                    ps.addBatch();
                    if (i % BATCH == 0 || i == rows) {
                        ps.executeBatch();
                        c.commit();
                        if (progress != null) {
                            ProgressLine.print(progress, "seeding " + TableNames.CSMH, i, rows);
                        }
                    }
                }
            }
        }
    }

    private static String state(Random random) {
        StringBuilder s = new StringBuilder("{\"correct_map\": {\"i4x-edX-DemoX-problem-");
        s.append(Long.toHexString(random.nextLong())).append("_2_1\": {\"hint\": \"\", \"hintmode\": null, \"correctness\": \"")
                .append(random.nextBoolean() ? "correct" : "incorrect").append("\", \"npoints\": null, \"msg\": \"\", \"queuestate\": null}}, ")
                .append("\"input_state\": {\"i4x-edX-DemoX-problem-").append(Long.toHexString(random.nextLong()))
                .append("_2_1\": {}}, \"last_submission_time\": \"2015-06-0").append(1 + random.nextInt(9))
                .append("T12:00:00Z\", \"attempts\": ").append(random.nextInt(9)).append(", \"seed\": ").append(random.nextInt(1000))
                .append(", \"done\": true, \"student_answers\": {\"i4x-edX-DemoX-problem-").append(Long.toHexString(random.nextLong()))
                .append("_2_1\": \"choice_").append(random.nextInt(4)).append("\"}}");
        return s.toString();
    }
}
