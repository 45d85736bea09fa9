package org.csmh.agent.copy;

import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.mysql.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import org.csmh.agent.job.JobFailure;

/** Session settings and checks that make a silent data change impossible: strict mode, and warnings are errors. */
final class StrictWrites {
    private StrictWrites() {
    }

    static void prepare(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'");
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        }
        c.setAutoCommit(false);
    }

    /** Throws (the caller rolls back) when the statement left any warning. */
    static void noWarnings(Statement st, IdRange range) throws SQLException, JobFailure {
        SQLWarning w = st.getWarnings();
        if (w != null) {
            StringBuilder all = new StringBuilder();
            int n = 0;
            for (SQLWarning x = w; x != null && n < 3; x = x.getNextWarning(), n++) {
                all.append(n == 0 ? "" : "; ").append(x.getErrorCode()).append(' ').append(x.getMessage());
            }
            if (w.getErrorCode() == 1062) {
                throw new JobFailure("duplicate id in the target within ids " + range + " (" + all
                        + "): CSMHE already has rows there that this copy did not write; check the AUTO_INCREMENT gap "
                        + "and that nothing else writes old ids into CSMHE");
            }
            throw new JobFailure("the server warned while writing ids " + range + " (warnings are errors here): " + all);
        }
    }

    /**
     * A failed chunk's error as the job failure that names the chunk and the remedy where there is one (a duplicate
     * id, a row too large for the packet, a target out of space); any other error as it is.
     */
    static Exception named(IdRange range, SQLException e) {
        return SqlErrors.isDuplicateKey(e) ? duplicate(range, e) : SqlErrors.isPacketTooBig(e) ? packetTooBig(range, e)
                : SqlErrors.isOutOfSpace(e) ? outOfSpace(range, e) : e;
    }

    static JobFailure duplicate(IdRange range, SQLException e) {
        return new JobFailure("duplicate id in the target within ids " + range + ": " + SqlErrors.firstLine(e)
                + ". CSMHE already has rows there that this copy did not write; check the AUTO_INCREMENT gap "
                + "and that nothing else writes old ids into CSMHE", e);
    }

    /**
     * Statements are sized to the target's max_allowed_packet, so only a row too large for it on its own gets here:
     * nothing but a larger max_allowed_packet lets it in (the LMS wrote it into a server that allowed it).
     */
    static JobFailure packetTooBig(IdRange range, SQLException e) {
        return new JobFailure("a row within ids " + range + " is too large for the target's max_allowed_packet on its own ("
                + SqlErrors.firstLine(e) + "). Raise max_allowed_packet on the target (SET GLOBAL"
                + " max_allowed_packet = 67108864; new connections take it) and start the copy again: it resumes at this chunk", e);
    }

    /**
     * Not retried: a copy that kept writing would keep the disk full, and the LMS writes there too. Nothing is lost:
     * the chunk rolled back, and the copy resumes at it once there is room.
     */
    static JobFailure outOfSpace(IdRange range, SQLException e) {
        return new JobFailure("the target ran out of space writing ids " + range + " (" + SqlErrors.firstLine(e)
                + "); that chunk was rolled back. Free space on the target server (its disk, or the tablespace's size limit;"
                + " the LMS cannot write there either until then) and start the copy again: it resumes at this chunk", e);
    }
}
