package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.FleetLock;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.job.JobPass;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.agent.throttle.Throttling;
import org.csmh.proto.v1.ChunkInFlight;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.NextRowId;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.PurgeMethod;

/**
 * Empties the old table. TRUNCATE is one statement. DELETE walks the id range in chunks like the seed script's
 * slow delete, each chunk its own transaction; since the table only loses rows from the bottom, min(id) says how
 * far a previous run got, so a restart resumes there. Deleted rows cannot be counted afterwards, so each chunk's
 * count is saved with the job before its commit: a restart counts it once if the table shows it committed.
 */
public final class PurgeRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(PurgeRunner.class.getName());
    /** The job's write_path: how the rows go, and what becomes of the table's file (InnoDB keeps a file's pages). */
    public static final String DELETE_PATH = "chunked DELETE ... WHERE id BETWEEN, a transaction per chunk (the table's file keeps its size)";
    public static final String TRUNCATE_PATH = "TRUNCATE TABLE (the table's file is made anew, empty)";
    /**
     * A TRUNCATE's rows are counted only where the ids span fewer than this (so at most this many rows: seconds to
     * count): a COUNT(*) of a billion rows takes minutes and holds a read view open on the LMS's primary, far longer
     * than the TRUNCATE; beyond it the job reports InnoDB's estimate. The span, not the estimate, decides: MySQL 8
     * caches the estimate for up to a day, so right after a chunked DELETE it can still say a billion rows.
     */
    static final long COUNT_BELOW_IDS = 10_000_000;
    /** How long a TRUNCATE waits for the table's metadata lock before it lets go and the job tries again. */
    static final int TRUNCATE_LOCK_WAIT_SECONDS = 5;
    private final JobEnvironment env;
    private final ThrottleMetrics metrics;

    public PurgeRunner(JobEnvironment env, ThrottleMetrics metrics) {
        this.env = env;
        this.metrics = metrics;
    }

    @Override
    public void runOnce(JobHandle job) throws Exception {
        Endpoint purger = env.purger();
        String table = SqlNames.qualified(purger.database(), TableNames.CSMH);
        Job snap = job.snapshot();
        try (FleetLock lock = FleetLock.acquire(env.plain(purger), FleetLock.name("purge", purger.database()));
             Connection c = env.plain(purger)) {
            // Taken, then looked for: a copy that started since the preflight sees this lock, or this sees its.
            String copying = copyElsewhere(env);
            if (copying != null) {
                throw new JobFailure(copying);
            }
            if (job.spec().getPurge().getMethod() == PurgeMethod.PURGE_METHOD_TRUNCATE) {
                job.progress(b -> b.setWritePath(TRUNCATE_PATH));
                long rows = rowsBeforeTruncate(new Inspector(c), purger.database());
                truncate(c, table);
                LOG.info("event=purge_truncated table=" + table + " rows=" + rows);
                job.progress(b -> b.setRowsDone(rows).setCurrentId(snap.getRangeEnd()).setProgress(1.0).setChunksDone(1));
                return;
            }
            job.progress(b -> b.setWritePath(DELETE_PATH));
            try (NextRowId nextRow = new NextRowId(c, table);
                 PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id BETWEEN ? AND ?")) {
                long done = resumePoint(nextRow, snap.getRangeStart(), snap.getRangeEnd());
                long rowsDone = rowsDone(snap, done);
                job.checkpoint(b -> b.setCurrentId(done).setRowsDone(rowsDone).clearInFlight().setThrottleReason(""));
                ChunkWalker walker = new ChunkWalker(job, snap.getRangeStart(), snap.getRangeEnd(), done, Throttling.of(metrics, job, c), lock::check);
                walker.seekWith(nextRow::atOrAfter);
                c.setAutoCommit(false);
                for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                    IdRange r = next.get();
                    long t0 = System.nanoTime();
                    ps.setLong(1, r.first());
                    ps.setLong(2, r.last());
                    int rows = ps.executeUpdate();
                    job.checkpoint(b -> b.setInFlight(ChunkInFlight.newBuilder().setRangeStart(r.first()).setRangeEnd(r.last()).setRows(rows)));
                    c.commit();
                    walker.completed(r, rows, System.nanoTime() - t0);
                }
            }
        }
    }

    static long rowsBeforeTruncate(Inspector in, String database) throws SQLException {
        java.util.OptionalLong min = in.minId(database, TableNames.CSMH);
        if (min.isEmpty()) {
            return 0;
        }
        long span = in.maxId(database, TableNames.CSMH).orElseThrow() - min.getAsLong() + 1;
        return span < COUNT_BELOW_IDS ? in.exactRows(database, TableNames.CSMH) : in.estimatedRows(database, TableNames.CSMH);
    }

    /**
     * TRUNCATE needs the table to itself: it waits for every open transaction that has read the table (a backup's
     * snapshot, a long report), and while it waits each new query on the table queues behind it, for as long as
     * lock_wait_timeout allows (a year by default). So it waits a few seconds, then lets go, and the job tries again
     * with backoff (Retrying: 1205 is waited out) and says why in its snapshot.
     */
    private static void truncate(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION lock_wait_timeout = " + TRUNCATE_LOCK_WAIT_SECONDS);
            st.execute("TRUNCATE TABLE " + table);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1205) {
                throw new SQLException("TRUNCATE TABLE waited " + TRUNCATE_LOCK_WAIT_SECONDS + " s for the table's metadata lock, which another"
                        + " session holds (an open transaction or a long query that read " + TableNames.CSMH + ", e.g. a backup's snapshot);"
                        + " it let go so that queries on the table do not queue behind it", e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
    }

    /**
     * Why a purge may not go on while another runner copies into CSMHE (its fleet lock held on the target server),
     * or null: the purge would delete rows the copy has not read. Without a target in the settings no copy can run.
     */
    static String copyElsewhere(JobEnvironment env) {
        if (!env.hasEndpoint("target")) {
            return null;
        }
        Endpoint target = env.target();
        try (Connection t = env.plain(target)) {
            String copying = FleetLock.heldBy(t, FleetLock.name("copy", target.database()));
            return copying == null ? null : "a copy into " + target.database() + " is running (" + copying
                    + "); purging now would delete rows it has not copied: let it end (then verify) or cancel it first";
        } catch (SQLException e) {
            throw DatabaseAccessException.from(target, "purge (looking for a running copy's fleet lock)", e);
        }
    }

    /** The saved count, plus the chunk that was being committed when the job stopped, if the table shows it went. */
    static long rowsDone(Job saved, long done) {
        ChunkInFlight f = saved.getInFlight();
        boolean uncounted = saved.hasInFlight() && f.getRangeEnd() > saved.getCurrentId();
        return saved.getRowsDone() + (uncounted && done >= f.getRangeEnd() ? f.getRows() : 0);
    }

    /** Rows go from the bottom up, so everything below the lowest remaining id is gone. */
    static long resumePoint(NextRowId nextRow, long first, long last) throws SQLException {
        var lowest = nextRow.atOrAfter(first);
        return lowest.isEmpty() || lowest.getAsLong() > last ? last : lowest.getAsLong() - 1;
    }

}
