package org.csmh.agent.mysql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * What a driver error means, decided in one place: jobs wait out the transient kinds, the API maps each kind to
 * one status (see server/ErrorStatus).
 */
public final class SqlErrors {
    /** ACCESS_DENIED: the login or a statement was refused. UNREACHABLE: the server or the connection is gone or
     * overloaded. CONFLICT: another transaction was in the way (lock wait timeout, deadlock). FAILED: anything else. */
    public enum Kind { ACCESS_DENIED, UNREACHABLE, CONFLICT, FAILED }

    private static final Set<Integer> ACCESS_DENIED = Set.of(1044, 1045, 1142, 1143, 1227);
    private static final Set<Integer> CONFLICT = Set.of(
            1205, // lock wait timeout
            1213); // deadlock
    private static final Set<Integer> UNREACHABLE = Set.of(
            1040, // too many connections
            1053, // server shutdown in progress
            1927, // MariaDB: connection was killed
            2002, 2003, 2006, 2013, 2055); // cannot connect, gone away, lost connection

    private SqlErrors() {
    }

    public static Kind kind(SQLException e) {
        if (tlsRefusal(e) != null) {
            return Kind.FAILED; // a retry meets the same certificate
        }
        if (ACCESS_DENIED.contains(e.getErrorCode())) {
            return Kind.ACCESS_DENIED;
        }
        if (CONFLICT.contains(e.getErrorCode())) {
            return Kind.CONFLICT;
        }
        if (UNREACHABLE.contains(e.getErrorCode()) || (e.getSQLState() != null && e.getSQLState().startsWith("08"))
                || e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e.getClass().getName().endsWith("CommunicationsException")) {
            return Kind.UNREACHABLE;
        }
        return Kind.FAILED;
    }

    /** Worth waiting out: the server or connection comes back, the other transaction ends. */
    public static boolean isTransient(Throwable t) {
        if (tlsRefusal(t) != null) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && (kind(e) == Kind.UNREACHABLE || kind(e) == Kind.CONFLICT || isReadOnly(e))) {
                return true;
            }
            if (c instanceof DatabaseAccessException d && (d.kind() == Kind.UNREACHABLE || d.kind() == Kind.CONFLICT)) {
                return true;
            }
            if (c.getClass().getName().endsWith("CommunicationsException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why TLS refused the connection where waiting mends nothing: the server's certificate is not signed by the CA
     * given, or does not name the host (VERIFY_IDENTITY); or TLS is required and the server offers none. The deepest
     * such reason in the chain (the driver wraps it in a "Communications link failure"), else null.
     */
    public static String tlsRefusal(Throwable t) {
        String found = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (c instanceof java.security.cert.CertificateException || c instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                found = m;
            } else if (found == null && c instanceof javax.net.ssl.SSLHandshakeException && (m.contains("certificate") || m.contains("PKIX"))) {
                found = m;
            } else if (found == null && m.contains("SSL Connection required")) { // Connector/J's words: "..., but not provided by server."
                found = m;
            }
        }
        // The JDK's words often start with the exception's class ("java.security.cert.CertPathValidatorException: ..."): noise.
        return found == null ? null : found.lines().findFirst().orElse(found).replaceFirst("^([a-z0-9]+\\.)+[A-Z]\\w*: ", "");
    }

    /**
     * The server refuses writes: read_only or super_read_only is on (1290, "running with the --read-only option").
     * Worth waiting out inside a job: it is how a failover looks from a connection to the old primary (orchestrator,
     * ProxySQL and the like set read_only there first, then move the address), and the retry's new connections reach
     * the new one; a target that stays read-only (a replica named by mistake) fails the job after the retry budget,
     * with this message. 1290 for other options (secure_file_priv, ...) is not this.
     */
    public static boolean isReadOnly(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return e.getErrorCode() == 1290 && m.contains("read-only");
    }

    public static boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == 1062;
    }

    public static boolean isOutOfSpace(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        // 1114: InnoDB's "The table ... is full" (its disk, or the tablespace's size limit); 1021: "Disk full"; else
        // errno 28 (ENOSPC) in a write error, as the server words it for the binary log, temporary files, engines.
        return e.getErrorCode() == 1114 || e.getErrorCode() == 1021 || m.contains("No space left on device")
                || m.matches("(?s).*(errno|Errcode|error):? 28\\b.*");
    }

    /**
     * A statement larger than max_allowed_packet: refused by the driver before sending (it knows the session's
     * value), or by the server (1153) when the driver did not.
     */
    public static boolean isPacketTooBig(SQLException e) {
        return e instanceof com.mysql.cj.jdbc.exceptions.PacketTooBigException || e.getErrorCode() == 1153;
    }

    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
