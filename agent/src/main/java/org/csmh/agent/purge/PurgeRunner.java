package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import org.csmh.agent.copy.ChunkWalker;
import org.csmh.agent.copy.IdRange;
import org.csmh.agent.copy.JobEnvironment;
import org.csmh.agent.copy.JobPass;
import org.csmh.agent.copy.Throttling;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.PurgeMethod;

/**
 * Empties the old table. TRUNCATE is one statement. DELETE walks the id range in chunks like the seed script's
 * slow delete, each chunk its own transaction; since the table only loses rows from the bottom, min(id) says how
 * far a previous run got, so a restart resumes there.
 */
public final class PurgeRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(PurgeRunner.class.getName());
    private final JobEnvironment env;

    public PurgeRunner(JobEnvironment env) {
        this.env = env;
    }

    @Override
    public void runOnce(JobHandle job) throws Exception {
        Endpoint purger = env.purger();
        String table = SqlNames.quoteIdentifier(purger.database()) + "." + SqlNames.quoteIdentifier(TableNames.CSMH);
        Job snap = job.snapshot();
        try (Connection c = env.plain(purger)) {
            if (job.spec().getPurge().getMethod() == PurgeMethod.PURGE_METHOD_TRUNCATE) {
                long rows = new Inspector(c).exactRows(purger.database(), TableNames.CSMH);
                try (Statement st = c.createStatement()) {
                    st.execute("TRUNCATE TABLE " + table);
                }
                LOG.info("event=purge_truncated table=" + table + " rows=" + rows);
                job.update(b -> b.setRowsDone(rows).setCurrentId(snap.getRangeEnd()).setProgress(1.0).setChunksDone(1));
                return;
            }
            long done = resumePoint(c, table, snap.getRangeStart(), snap.getRangeEnd());
            job.update(b -> b.setCurrentId(done).setThrottleReason(""));
            ChunkWalker walker = new ChunkWalker(job, snap.getRangeStart(), snap.getRangeEnd(), done, Throttling.of(env, job, c));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id BETWEEN ? AND ?")) {
                for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                    IdRange r = next.get();
                    long t0 = System.nanoTime();
                    ps.setLong(1, r.first());
                    ps.setLong(2, r.last());
                    int rows = ps.executeUpdate();
                    walker.completed(r, rows, System.nanoTime() - t0);
                }
            }
        }
    }

    /** Rows go from the bottom up, so everything below the lowest remaining id is gone. */
    static long resumePoint(Connection c, String table, long first, long last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(id) FROM " + table + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, first);
            ps.setLong(2, Math.max(first, last));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? last : min - 1;
            }
        }
    }

}
