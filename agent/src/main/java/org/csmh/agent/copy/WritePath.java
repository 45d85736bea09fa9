package org.csmh.agent.copy;

import org.csmh.agent.mysql.TableNames;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.StartCopyRequest;

/**
 * How a copy writes CSMHE, chosen once from the request, the copy mode and CSMHE's server's innodb_autoinc_lock_mode;
 * the copy runs it and the plan predicts with it. Under lock mode 1 (MariaDB's default, MySQL 5.7's) INSERT..SELECT
 * and LOAD DATA are "bulk inserts" that hold CSMHE's table AUTO-INC lock for the whole statement although they supply
 * every id, so the LMS's own history inserts queue behind each chunk; explicit-id multi-row INSERT..VALUES are "simple
 * inserts", which take only the short allocation mutex there. So under mode 1 both modes read the rows and write
 * INSERT..VALUES. Mode 2 (MySQL 8's default) has no such lock and mode 0 locks every insert alike: there the faster
 * statements stay. The writer count follows the same lock.
 *
 * @param simpleInsertsBecause why the rows go through the agent as INSERT..VALUES; null for the bulk statements
 * @param writers              target connections writing chunks at once
 * @param insertSelect         same instance with bulk statements: one INSERT..SELECT per chunk on the server
 * @param writersNote          the writer part of the description
 */
public record WritePath(String simpleInsertsBecause, int writers, boolean insertSelect, String writersNote, int lockMode, int shortIds,
                        String shortBecause) {
    /** Two writers: 20-26% less time than one for simple inserts on MariaDB 10.11 (2 cores); see StartCopyRequest.writers. */
    static final int DEFAULT_WRITERS = 2;
    /** Ids per short INSERT..SELECT: 250 held the LMS's insert p99 near simple inserts' (bench lms-impact, --short). */
    public static final int SHORT_IDS = 250;
    /** @param remote the server runs on another host (see {@link #onAnotherHost}): rows through the agent cross a network */
    public static WritePath choose(StartCopyRequest request, CopyMode mode, int lockMode, boolean remote) {
        boolean sameInstance = mode == CopyMode.COPY_MODE_SAME_INSTANCE;
        String shortBecause = null;
        if (sameInstance && request.getStatement() == CopyStatement.COPY_STATEMENT_SHORT_INSERT_SELECT) {
            shortBecause = "asked for";
        } else if (sameInstance && request.getStatement() == CopyStatement.COPY_STATEMENT_AUTO && lockMode == 1 && remote) {
            shortBecause = "innodb_autoinc_lock_mode=1 and the server on another host: the rows stay on it, each statement holding "
                    + TableNames.CSMHE + "'s AUTO-INC lock for " + SHORT_IDS + " ids";
        }
        String simpleInserts = shortBecause != null ? null : switch (request.getStatement()) {
            case COPY_STATEMENT_SIMPLE_INSERTS -> "asked for";
            case COPY_STATEMENT_SHORT_INSERT_SELECT -> "short INSERT..SELECT needs one server";
            case COPY_STATEMENT_BULK -> null;
            default -> lockMode == 1 ? "innodb_autoinc_lock_mode=1: INSERT..SELECT and LOAD DATA would hold "
                    + TableNames.CSMHE + "'s table AUTO-INC lock for a whole chunk, stalling LMS inserts" : null;
        };
        int askedWriters = request.hasWriters() ? request.getWriters() : DEFAULT_WRITERS;
        // Bulk statements (INSERT..SELECT, LOAD DATA) under lock modes 0 and 1 each hold CSMHE's AUTO-INC lock for the
        // whole statement: several writers would only take turns, and one waiting in the lock queue makes the LMS's
        // inserts queue too. So one writer there. Short statements let go after their 250 ids: writers interleave.
        boolean takeTurns = simpleInserts == null && shortBecause == null && lockMode != 2;
        int writers = takeTurns ? 1 : askedWriters;
        String how = writers > 1 ? ", " + writers + " writers committing in id order" : askedWriters == 1 ? ", 1 writer"
                : ", 1 writer (innodb_autoinc_lock_mode=" + lockMode + ": each bulk statement holds the AUTO-INC lock, writers would take turns)";
        return new WritePath(simpleInserts, writers, sameInstance && simpleInserts == null, how, lockMode, shortBecause == null ? 0 : SHORT_IDS,
                shortBecause);
    }

    /**
     * Whether the server runs on another host than the agent: its address is not loopback and its @@hostname is not
     * this host's name. A round trip would say it too, but a busy server on this host answers as slowly as a remote
     * one (a loopback ping took 2 ms on this machine under a benchmark's load), and the choice must not flip with load.
     */
    public static boolean onAnotherHost(java.sql.Connection c, String endpointHost) throws java.sql.SQLException {
        try {
            if (java.net.InetAddress.getByName(endpointHost).isLoopbackAddress()) {
                return false;
            }
        } catch (java.net.UnknownHostException e) {
            return true;
        }
        String serverHost;
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT @@hostname")) {
            rs.next();
            serverHost = rs.getString(1);
        }
        try {
            return !java.net.InetAddress.getLocalHost().getHostName().equalsIgnoreCase(serverHost);
        } catch (java.net.UnknownHostException e) {
            return true;
        }
    }

    /**
     * In words, as Job.write_path says it once the copy runs (cross-server, the copier says which statement the target
     * took: {@code localInfile} predicts it).
     */
    public String describe(boolean localInfile) {
        String statement;
        if (shortIds > 0) {
            statement = "INSERT..SELECT in statements of " + shortIds + " ids, one round trip per chunk (" + shortBecause + ")";
        } else if (insertSelect) {
            statement = "INSERT..SELECT per chunk (same instance)";
        } else if (simpleInsertsBecause != null) {
            statement = "multi-row INSERT (" + simpleInsertsBecause + ")";
        } else if (!localInfile) {
            statement = "multi-row INSERT (the target has local_infile=OFF)";
        } else {
            statement = "LOAD DATA LOCAL INFILE (CHARACTER SET binary)";
        }
        return statement + writersNote;
    }

    /** Whether the LMS's inserts into CSMHE can wait behind a chunk (a table AUTO-INC lock held for a statement). */
    public boolean blocksLmsInserts() {
        return lockMode == 0 || (lockMode == 1 && simpleInsertsBecause == null && shortIds == 0);
    }
}
