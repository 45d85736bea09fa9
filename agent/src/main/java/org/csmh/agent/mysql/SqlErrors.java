package org.csmh.agent.mysql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Which driver errors are worth waiting out (server restart, dropped connection, lock timeouts). */
public final class SqlErrors {
    private static final Set<Integer> TRANSIENT_CODES = Set.of(
            1040, // too many connections
            1053, // server shutdown in progress
            1205, // lock wait timeout
            1213, // deadlock
            1927, // MariaDB: connection was killed
            2002, 2003, 2006, 2013, 2055); // cannot connect, gone away, lost connection

    private SqlErrors() {
    }

    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientException || c instanceof SQLRecoverableException) {
                return true;
            }
            if (c instanceof SQLException e) {
                if (TRANSIENT_CODES.contains(e.getErrorCode()) || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
                    return true;
                }
            }
            if (c instanceof DatabaseAccessException d && d.kind() == DatabaseAccessException.Kind.UNREACHABLE) {
                return true;
            }
            if (c.getClass().getName().endsWith("CommunicationsException")) {
                return true;
            }
        }
        return false;
    }

    public static boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == 1062;
    }

    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
