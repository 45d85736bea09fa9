package org.csmh.agent.mysql;

import java.sql.SQLException;

/** A database error with a description safe to show and log: which endpoint, what was being done, what went wrong. */
public class DatabaseAccessException extends RuntimeException {
    private final SqlErrors.Kind kind;

    public DatabaseAccessException(SqlErrors.Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public SqlErrors.Kind kind() {
        return kind;
    }

    /** Classifies a driver error (see {@link SqlErrors#kind}) and names the endpoint it came from. */
    public static DatabaseAccessException from(Endpoint endpoint, String action, SQLException e) {
        String first = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        String tls = SqlErrors.tlsRefusal(e);
        if (tls != null) {
            first = "TLS: " + tls + " (" + endpoint.tls().describe() + ")";
        } else if (first.contains("Public Key Retrieval is not allowed")) {
            first = "the server offers no TLS, and its caching_sha2_password would take the password only encrypted with a key"
                    + " fetched unauthenticated from the network: enable TLS on the server (MySQL 8 has it by default), or set"
                    + " ssl_mode DISABLED for this endpoint to accept that";
        }
        return new DatabaseAccessException(SqlErrors.kind(e), action + " on " + endpoint.describe() + " failed: " + first, e);
    }
}
