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

/**
 * What Django's MigrationRecorder keeps in the student_module_history database for a CSMHE the agent created, so the
 * next {@code manage.py lms migrate --database student_module_history} (edxapp.yml runs it on every deploy) finds
 * the chain applied instead of failing with 1050 "table already exists".
 *
 * <p>Recorded: coursewarehistoryextended 0001-0003 (today's chain, whose end state is the table HistoryTables builds)
 * and every migration they depend on, transitively (0001 on courseware 0001_initial, that on the user model's app,
 * auth 0001_initial, that on contenttypes 0001_initial), because Django refuses a history where an applied migration's
 * parent is not applied (InconsistentMigrationHistory). The next real migrate records the other apps' migrations
 * itself without running their operations there: edx-platform's router allows only CSMHE on that database. A name a
 * release does not have is ignored by Django, so recording 0003 is safe on releases before it.
 */
public final class MigrationHistory {
    /** One row of django_migrations. */
    public record Applied(String app, String name) {
        @Override
        public String toString() {
            return app + "." + name;
        }
    }

    /** In dependency order. */
    static final List<Applied> CHAIN = List.of(
            new Applied("contenttypes", "0001_initial"),
            new Applied("auth", "0001_initial"),
            new Applied("courseware", "0001_initial"),
            new Applied("coursewarehistoryextended", "0001_initial"),
            new Applied("coursewarehistoryextended", "0002_force_studentmodule_index"),
            new Applied("coursewarehistoryextended", "0003_rename_studentmodulehistoryextended_student_module_student_module_idx"));

    static final String TABLE = "django_migrations";

    private MigrationHistory() {
    }

    /** The table as Django's schema editor creates MigrationRecorder's model on MySQL/MariaDB (DjangoMigrationsIT compares). */
    static String createTable(String database) {
        return "CREATE TABLE " + SqlNames.quoteIdentifier(database) + "." + TABLE + " ("
                + "`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, "
                + "`app` varchar(255) NOT NULL, "
                + "`name` varchar(255) NOT NULL, "
                + "`applied` datetime(6) NOT NULL)";
    }

    /** The chain's entries not recorded in the database (all of them when it has no django_migrations). */
    public static List<Applied> missing(Connection c, String database) throws SQLException {
        return new Inspector(c).tableExists(database, TABLE) ? notRecorded(c, database) : CHAIN;
    }

    private static List<Applied> notRecorded(Connection c, String database) throws SQLException {
        List<Applied> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + SqlNames.quoteIdentifier(database) + "." + TABLE
                + " WHERE app = ? AND name = ?")) {
            for (Applied m : CHAIN) {
                ps.setString(1, m.app());
                ps.setString(2, m.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Records what is missing, in dependency order, with Django's applied time (UTC: edx-platform runs with USE_TZ).
     * @return the statements run, for the caller to show
     */
    static List<String> record(Connection c, String database) throws SQLException {
        return record(c, database, List.of());
    }

    /** The last of the chain: its end state (StudentModuleIndex) is checked on the table before it is recorded. */
    static final Applied LAST = CHAIN.get(CHAIN.size() - 1);

    public static Applied last() {
        return LAST;
    }

    /** As {@link #record(Connection, String)}, but never {@code withheld}: migrations whose end state the table lacks. */
    static List<String> record(Connection c, String database, List<Applied> withheld) throws SQLException {
        List<String> ran = new ArrayList<>();
        List<Applied> missing;
        if (new Inspector(c).tableExists(database, TABLE)) {
            missing = notRecorded(c, database);
        } else {
            String create = createTable(database);
            try (Statement st = c.createStatement()) {
                st.execute(create);
            }
            ran.add(create);
            missing = CHAIN;
        }
        String insert = "INSERT INTO " + SqlNames.quoteIdentifier(database) + "." + TABLE + " (app, name, applied) VALUES (?, ?, UTC_TIMESTAMP(6))";
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (Applied m : missing) {
                if (withheld.contains(m)) {
                    continue;
                }
                ps.setString(1, m.app());
                ps.setString(2, m.name());
                ps.executeUpdate();
                ran.add("INSERT INTO " + TABLE + " (app, name, applied) VALUES ('" + m.app() + "', '" + m.name() + "', UTC_TIMESTAMP(6))");
            }
        }
        return ran;
    }
}
