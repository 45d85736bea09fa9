package org.csmh.agent.throttle;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * InnoDB's history list length: undo log records purge has not removed yet. A long copy's read views and writes on a
 * live primary grow it, and the LMS's queries slow down as they walk old row versions (Vitess #8584, #14847). Read
 * from INNODB_METRICS' trx_rseg_history_len (on by default in MySQL 8 and MariaDB), or from SHOW ENGINE INNODB
 * STATUS where that counter is switched off. Both need PROCESS.
 */
final class HistoryLength implements LoadSignal {
    static final String NAME = "trx_rseg_history_len";
    private static final Pattern STATUS_LINE = Pattern.compile("History list length (\\d+)");
    private static final int ACCESS_DENIED = 1227;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ThrottleMetrics.Reading read(Connection server) throws SQLException {
        try (Statement st = server.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM information_schema.INNODB_METRICS WHERE NAME = '" + NAME + "'")) {
            if (rs.next() && enabled(rs)) {
                return ThrottleMetrics.Reading.of(rs.getLong("COUNT"));
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == ACCESS_DENIED) {
                return ThrottleMetrics.Reading.failed("the account lacks PROCESS, which InnoDB's history list length needs");
            }
            throw e;
        }
        return fromEngineStatus(server);
    }

    /** MySQL says STATUS 'enabled'; MariaDB has ENABLED 1 (older ones STATUS too). */
    private static boolean enabled(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String col = md.getColumnLabel(i);
            if (col.equalsIgnoreCase("STATUS")) {
                return "enabled".equalsIgnoreCase(rs.getString(i));
            }
            if (col.equalsIgnoreCase("ENABLED")) {
                return rs.getInt(i) != 0;
            }
        }
        return true;
    }

    private static ThrottleMetrics.Reading fromEngineStatus(Connection server) throws SQLException {
        try (Statement st = server.createStatement(); ResultSet rs = st.executeQuery("SHOW ENGINE INNODB STATUS")) {
            if (rs.next()) {
                Matcher m = STATUS_LINE.matcher(rs.getString("Status"));
                if (m.find()) {
                    return ThrottleMetrics.Reading.of(Long.parseLong(m.group(1)));
                }
            }
            return ThrottleMetrics.Reading.failed("SHOW ENGINE INNODB STATUS has no history list length");
        } catch (SQLException e) {
            if (e.getErrorCode() == ACCESS_DENIED) {
                return ThrottleMetrics.Reading.failed("the account lacks PROCESS, which InnoDB's history list length needs");
            }
            throw e;
        }
    }
}
