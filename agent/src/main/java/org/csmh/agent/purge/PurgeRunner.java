package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Supplier;
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
import org.csmh.proto.v1.IdSpan;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.PurgeMethod;

/**
 * Empties the old table of the rows CSMHE holds. A DELETE walks the id range in chunks like the seed script's slow
 * delete, each chunk its own transaction that deletes only the rows CSMHE holds with equal content ({@link ChunkPurge})
 * and leaves the rest, counted and named; a purge that left any fails saying so. A TRUNCATE runs only under the table's
 * lock and only where {@link TruncateCheck} finds every row it would remove verified. Deleted rows cannot be counted
 * afterwards, so each chunk's count is saved with the job before its commit; a restart does that chunk again (it
 * deletes the same rows, or none if they went) and counts it once.
 */
public final class PurgeRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(PurgeRunner.class.getName());
    /** Every chunked DELETE's write_path starts so; what follows says which rows go. */
    public static final String DELETE_PREFIX = "chunked DELETE";
    public static final String TRUNCATE_PATH = "TRUNCATE TABLE (the table's file is made anew, empty)";
    /** At most this many spans of kept rows are listed with the job; past it the last one widens. */
    static final int MAX_KEPT_SPANS = 100;
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
    private final Supplier<List<Job>> jobs;

    /** @param jobs every job as it is now: the TRUNCATE's check reads the verify that allows it */
    public PurgeRunner(JobEnvironment env, ThrottleMetrics metrics, Supplier<List<Job>> jobs) {
        this.env = env;
        this.metrics = metrics;
        this.jobs = jobs;
    }

    @Override
    public void runOnce(JobHandle job) throws Exception {
        Endpoint purger = env.purger();
        String table = SqlNames.qualified(purger.database(), TableNames.CSMH);
        Job snap = job.snapshot();
        boolean discard = job.spec().getPurge().getDiscardUncopied();
        try (FleetLock lock = FleetLock.acquire(env.plain(purger), FleetLock.name("purge", purger.database()));
             Connection c = env.plain(purger)) {
            // Taken, then looked for: a copy that started since the preflight sees this lock, or this sees its.
            String copying = copyElsewhere(env);
            if (copying != null) {
                throw new JobFailure(copying);
            }
            if (job.spec().getPurge().getMethod() == PurgeMethod.PURGE_METHOD_TRUNCATE) {
                job.progress(b -> b.setWritePath(TRUNCATE_PATH));
                long rows = truncate(c, purger.database(), discard);
                LOG.info("event=purge_truncated table=" + table + " rows=" + rows);
                job.progress(b -> b.setRowsDone(rows).setCurrentId(snap.getRangeEnd()).setProgress(1.0).setChunksDone(1));
                return;
            }
            try (Connection t = discard ? null : env.plain(env.target());
                 ChunkPurge chunks = discard ? new DiscardPurge(c, table) : PurgePaths.open(c, t, purger, env.target());
                 NextRowId nextRow = new NextRowId(c, table)) {
                job.progress(b -> b.setWritePath(chunks.writePath()));
                long done = redoInFlight(job, chunks);
                ChunkWalker walker = new ChunkWalker(job, snap.getRangeStart(), snap.getRangeEnd(), done, Throttling.of(metrics, job, c), lock::check);
                walker.seekWith(nextRow::atOrAfter);
                for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                    IdRange r = next.get();
                    long t0 = System.nanoTime();
                    ChunkPurge.Outcome o = purgeChunk(chunks, r);
                    job.checkpoint(b -> b.setInFlight(ChunkInFlight.newBuilder().setRangeStart(r.first()).setRangeEnd(r.last()).setRows(o.deleted())));
                    chunks.commit();
                    walker.completed(r, o.deleted(), System.nanoTime() - t0, b -> keep(b, o));
                }
            }
        }
        Job end = job.snapshot();
        if (end.getRowsKept() > 0 && !job.control().cancelled()) {
            throw new JobFailure(keptMessage(end));
        }
    }

    /** One chunk; undone if it fails, so the connection holds no half-done transaction for the retry. */
    private static ChunkPurge.Outcome purgeChunk(ChunkPurge chunks, IdRange r) throws java.sql.SQLException {
        try {
            return chunks.purge(r);
        } catch (java.sql.SQLException | RuntimeException e) {
            try {
                chunks.rollback();
            } catch (java.sql.SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Where the walk resumes. A chunk saved as in flight may or may not have committed before the agent stopped: it is
     * done again, and since it deletes exactly the rows CSMHE holds, it deletes them now (it had not committed) or
     * none (it had, and its saved count stands). Its kept rows are counted by this second run only.
     */
    static long redoInFlight(JobHandle job, ChunkPurge chunks) throws java.sql.SQLException {
        Job saved = job.snapshot();
        long done = Math.max(saved.getCurrentId(), saved.getRangeStart() - 1);
        ChunkInFlight f = saved.getInFlight();
        if (!saved.hasInFlight() || f.getRangeEnd() <= done) {
            job.checkpoint(b -> b.setCurrentId(done).clearInFlight().setThrottleReason(""));
            return done;
        }
        IdRange r = new IdRange(Math.max(f.getRangeStart(), done + 1), f.getRangeEnd());
        ChunkPurge.Outcome o = purgeChunk(chunks, r);
        chunks.commit();
        long counted = o.deleted() == 0 ? f.getRows() : o.deleted();
        job.checkpoint(b -> keep(b.setCurrentId(r.last()).setRowsDone(b.getRowsDone() + counted).clearInFlight().setThrottleReason(""), o));
        return r.last();
    }

    /** Adds a chunk's kept rows to the job: their count, and their span (merged into the last past the cap). */
    static org.csmh.proto.v1.Job.Builder keep(org.csmh.proto.v1.Job.Builder b, ChunkPurge.Outcome o) {
        if (o.kept() == 0) {
            return b;
        }
        b.setRowsKept(b.getRowsKept() + o.kept());
        if (b.getKeptCount() < MAX_KEPT_SPANS) {
            return b.addKept(IdSpan.newBuilder().setFirst(o.keptFirst()).setLast(o.keptLast()).setRows(o.kept()));
        }
        IdSpan last = b.getKept(b.getKeptCount() - 1);
        return b.setKept(b.getKeptCount() - 1, last.toBuilder().setLast(o.keptLast()).setRows(last.getRows() + o.kept()));
    }

    /** Why the purge did not empty the table, and what to do. */
    static String keptMessage(Job j) {
        StringBuilder spans = new StringBuilder();
        for (IdSpan s : j.getKeptList()) {
            spans.append(spans.length() == 0 ? "" : ", ").append(s.getFirst() == s.getLast() ? Long.toString(s.getFirst()) : s.getFirst() + ".." + s.getLast());
            if (spans.length() > 300) {
                spans.append(", ...");
                break;
            }
        }
        return j.getRowsKept() + " old row" + (j.getRowsKept() == 1 ? "" : "s") + " left in the old table at ids " + spans
                + ": CSMHE does not hold them (missing there, or with other content), so deleting them would lose them; a server"
                + " still writing the old table (restart the LMS, Studio and their workers with ENABLE_CSMH_EXTENDED on), or rows"
                + " written late: copy again (csmhctl copy), verify, then purge again";
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
     * with backoff (Retrying: 1205 is waited out) and says why in its snapshot. Once it holds the table (LOCK TABLES
     * WRITE: nobody reads or writes it meanwhile), it reads what the table holds and truncates only if
     * {@link TruncateCheck} allows: the check and the TRUNCATE see the same rows. The count is exact here, whatever
     * the size: it is what tells a row committed late into a hole, and the LMS no longer uses the table.
     */
    private long truncate(Connection c, String database, boolean discard) throws SQLException, JobFailure {
        String table = SqlNames.qualified(database, TableNames.CSMH);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION lock_wait_timeout = " + TRUNCATE_LOCK_WAIT_SECONDS);
            st.execute("LOCK TABLES " + table + " WRITE");
            try {
                Inspector in = new Inspector(c);
                long rows = discard ? rowsBeforeTruncate(in, database) : in.exactRows(database, TableNames.CSMH);
                if (!discard) {
                    var now = new TruncateCheck.OldTable(rows, in.minId(database, TableNames.CSMH), in.maxId(database, TableNames.CSMH));
                    var refusal = TruncateCheck.refusal(jobs.get(), now);
                    if (refusal.isPresent()) {
                        throw new JobFailure("not truncated: " + refusal.get());
                    }
                }
                st.execute("TRUNCATE TABLE " + table);
                return rows;
            } finally {
                st.execute("UNLOCK TABLES");
            }
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

}
