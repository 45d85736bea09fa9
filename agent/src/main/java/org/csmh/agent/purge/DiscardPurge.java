package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.csmh.agent.job.IdRange;

/**
 * The operator chose to discard the old rows whether or not CSMHE holds them (a site that skipped the optional
 * copy): the seed script's slow delete, every row of each id range.
 */
final class DiscardPurge implements ChunkPurge {
    static final String WRITE_PATH = "chunked DELETE ... WHERE id BETWEEN, every row whether or not CSMHE holds it (discard_uncopied),"
            + " a transaction per chunk (the table's file keeps its size)";
    private final Connection c;
    private final PreparedStatement delete;

    DiscardPurge(Connection purger, String oldTable) throws SQLException {
        this.c = purger;
        c.setAutoCommit(false);
        this.delete = c.prepareStatement("DELETE FROM " + oldTable + " WHERE id BETWEEN ? AND ?");
    }

    @Override
    public String writePath() {
        return WRITE_PATH;
    }

    @Override
    public Outcome purge(IdRange r) throws SQLException {
        delete.setLong(1, r.first());
        delete.setLong(2, r.last());
        return Outcome.allDeleted(delete.executeUpdate());
    }

    @Override
    public void commit() throws SQLException {
        c.commit();
    }

    @Override
    public void rollback() throws SQLException {
        c.rollback();
    }

    @Override
    public void close() throws SQLException {
        delete.close();
    }
}
