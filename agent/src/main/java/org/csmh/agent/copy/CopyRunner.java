package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Logger;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.Job;

/**
 * Copies CSMH rows into CSMHE over the job's id range, keeping ids. Every (re)start takes the same path: hold
 * the fleet lock, ask the target how far it got (max(id) within the range; each chunk commits whole), walk on
 * from there. After the range, catch-up passes copy rows that arrived above the first max(id), unless the caller
 * gave the range's end. Database errors
 * that a restart fixes (server gone, connection dropped) are waited out with backoff.
 */
public final class CopyRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class.getName());
    private static final int MAX_CATCH_UP_PASSES = 100;
    private final JobEnvironment env;

    public CopyRunner(JobEnvironment env) {
        this.env = env;
    }

    @Override
    public void runOnce(JobHandle job) throws Exception {
        Job snap = job.snapshot();
        if (snap.getRangeEnd() < snap.getRangeStart()) {
            // The old table was empty at the start (e.g. already purged): nothing to copy, and no resume point to check.
            return;
        }
        Endpoint source = env.source();
        Endpoint target = env.target();
        Tables tables = new Tables(source.database(), target.database());
        try (FleetLock lock = FleetLock.acquire(env.plain(target), FleetLock.name("copy", target.database()));
             Connection control = env.plain(target); Connection sourceMeta = env.plain(source)) {
            long first = snap.getRangeStart();
            long done = resumePoint(control, tables, first, snap.getRangeEnd());
            checkResumePoint(sourceMeta, control, tables, first, done, job.control().pace().getChunkSize());
            job.update(b -> b.setCurrentId(done).setThrottleReason(""));
            LOG.info("event=copy_resume id=" + job.id() + " mode=" + snap.getMode() + " from=" + (done + 1) + " to=" + snap.getRangeEnd());
            int lockMode = new Inspector(control).autoincLockMode();
            if (lockMode < 2) {
                LOG.warning("event=copy_autoinc_lock id=" + job.id() + " innodb_autoinc_lock_mode=" + lockMode
                        + " effect=\"each chunk holds the AUTO-INC lock of " + TableNames.CSMHE + "; LMS inserts wait up to one chunk's time\"");
            }
            ChunkWalker walker = new ChunkWalker(job, first, snap.getRangeEnd(), done, Throttling.of(env, job, control));
            for (int pass = 0; ; pass++) {
                try (ChunkCopier copier = copier(snap.getMode(), source, target, tables)) {
                    copier.copyAll(walker);
                }
                if (job.control().cancelled() || snap.getFixedRangeEnd()) {
                    return;
                }
                long newMax = new Inspector(sourceMeta).maxId(source.database(), TableNames.CSMH).orElse(0L);
                if (newMax <= walker.last()) {
                    return;
                }
                if (pass >= MAX_CATCH_UP_PASSES) {
                    throw new JobFailure(TableNames.CSMH + " is still growing after " + pass + " catch-up passes; is the LMS still writing it?");
                }
                try {
                    CopyPreflight.requireGap(new Inspector(control), target.database(), newMax);
                } catch (PreconditionException e) {
                    throw new JobFailure("catch-up refused: " + e.getMessage());
                }
                LOG.info("event=copy_catch_up id=" + job.id() + " new_max=" + newMax);
                walker.extendTo(newMax);
            }
        }
    }

    private ChunkCopier copier(CopyMode mode, Endpoint source, Endpoint target, Tables tables) throws SQLException {
        if (mode == CopyMode.COPY_MODE_SAME_INSTANCE) {
            return new SameInstanceCopier(env.plain(env.sameInstanceCopier()), tables);
        }
        Connection reader = env.streamingReader(source);
        try {
            return new CrossServerCopier(reader, env.bulkWriter(target), tables);
        } catch (RuntimeException | SQLException e) {
            reader.close();
            throw e;
        }
    }

    /** Every id up to the returned one is copied: chunks commit whole and in id order. */
    static long resumePoint(Connection target, Tables tables, long first, long last) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT MAX(id) FROM " + tables.csmhe() + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, first);
            ps.setLong(2, Math.max(first, last));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long max = rs.getLong(1);
                return rs.wasNull() ? first - 1 : max;
            }
        }
    }

    /**
     * The resume point is only as good as the claim that CSMHE holds exactly the old rows below it. A row that
     * got there some other way (new rows written with old ids before the AUTO_INCREMENT gap was set) would make
     * the copy skip everything under it, so the ids just below the resume point are counted on both sides.
     */
    static void checkResumePoint(Connection source, Connection target, Tables tables, long first, long done, long window)
            throws SQLException, JobFailure {
        if (done < first) {
            return;
        }
        long from = Math.max(first, done - window + 1);
        long a = count(source, tables.csmh(), from, done);
        long b = count(target, tables.csmhe(), from, done);
        if (a != b) {
            throw new JobFailure("CSMHE has rows in the copy range that this copy did not write: ids " + from + ".." + done + " hold "
                    + b + " rows in the target but " + a + " in the source. Find out what wrote them before copying");
        }
    }

    private static long count(Connection c, String table, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
