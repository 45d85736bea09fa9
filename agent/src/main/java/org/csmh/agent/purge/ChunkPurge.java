package org.csmh.agent.purge;

import java.sql.SQLException;
import org.csmh.agent.job.IdRange;

/**
 * One chunk of the old table's purge, in a transaction the caller commits: deletes the rows CSMHE holds with equal
 * content and leaves the others, saying how many and where. Deciding at the moment of deletion, row by row, is
 * what keeps a row that never reached CSMHE (a worker still writing the old table, a late commit, a row changed
 * since the copy) from leaving both tables.
 */
interface ChunkPurge extends AutoCloseable {
    /** What a chunk did: rows deleted, and the rows left in place (none: first and last 0). */
    record Outcome(long deleted, long kept, long keptFirst, long keptLast) {
        static Outcome allDeleted(long deleted) {
            return new Outcome(deleted, 0, 0, 0);
        }
    }

    /** How rows go, for the job's write_path. */
    String writePath();

    Outcome purge(IdRange r) throws SQLException;

    void commit() throws SQLException;

    void rollback() throws SQLException;

    @Override
    void close() throws SQLException;
}
