package org.csmh.agent.mysql;

import java.sql.SQLException;

/** A database could not be reached or refused the login; carries a description safe to show and log. */
public class DatabaseAccessException extends RuntimeException {
    public enum Kind { UNREACHABLE, ACCESS_DENIED, FAILED }

    private final Kind kind;

    public DatabaseAccessException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Classifies a driver error: 1044/1045 are access denied, SQLSTATE 08 is the connection class. */
    public static DatabaseAccessException from(Endpoint endpoint, String action, SQLException e) {
        Kind kind;
        if (e.getErrorCode() == 1045 || e.getErrorCode() == 1044 || e.getErrorCode() == 1227
                || e.getErrorCode() == 1142 || e.getErrorCode() == 1143) {
            kind = Kind.ACCESS_DENIED;
        } else if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            kind = Kind.UNREACHABLE;
        } else {
            kind = Kind.FAILED;
        }
        String first = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new DatabaseAccessException(kind, action + " on " + endpoint.describe() + " failed: " + first, e);
    }
}
