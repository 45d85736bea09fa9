package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Logger;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.FleetLock;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.verify.ChunkChecksum;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobPass;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.agent.throttle.Throttling;
import org.csmh.agent.util.Unsigned;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.agent.mysql.ConnectionFactory;
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
 * gave the range's end. Before it reports success the copy settles (see {@link LateCommits}): rows that committed
 * out of id order are found by a recount of the tail and copied. Database errors that a restart fixes (server
 * gone, connection dropped, the fleet lock lost) are waited out with backoff by {@link org.csmh.agent.job.Retrying}.
 */
public final class CopyRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class.getName());
    private static final int MAX_CATCH_UP_PASSES = 100;
    private final JobEnvironment env;
    private final ThrottleMetrics metrics;

    public CopyRunner(JobEnvironment env, ThrottleMetrics metrics) {
        this.env = env;
        this.metrics = metrics;
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
        StartCopyRequest request = job.spec().getCopy();
        long settleTimeoutMs = 1000L * (request.hasSettleTimeoutSeconds() ? Unsigned.of(request.getSettleTimeoutSeconds()) : 300);
        long settleBlindMs = 1000L * (request.hasSettleSeconds() ? Unsigned.of(request.getSettleSeconds()) : 10);
        // The lock's, the target's and the source's connections, opened side by side (each a login, a TLS handshake
        // on MySQL 8): a job's start is that much shorter, tens of milliseconds to remote servers.
        List<Connection> opened = env.openAll(JobEnvironment.plainTo(target), JobEnvironment.plainTo(target), JobEnvironment.plainTo(source));
        try (Connection control = opened.get(1); Connection sourceMeta = opened.get(2);
             FleetLock lock = FleetLock.acquire(opened.get(0), FleetLock.name("copy", target.database()))) {
            // Taken, then looked for: a purge that started since the preflight sees this lock, or this sees its.
            String purging = CopyPreflight.purgeElsewhere(sourceMeta, source.database());
            if (purging != null) {
                throw new JobFailure(purging);
            }
            long first = snap.getRangeStart();
            long done = resumePoint(control, tables, first, snap.getRangeEnd());
            checkResumePoint(sourceMeta, control, tables, first, done, job.control().pace().getChunkSize());
            long rows = rowsDone(control, tables, first, snap, done);
            job.checkpoint(b -> b.setCurrentId(done).setRowsDone(rows).setThrottleReason("").clearRecount()); // a restart's recount starts over
            LOG.info("event=copy_resume id=" + job.id() + " mode=" + snap.getMode() + " from=" + (done + 1) + " to=" + snap.getRangeEnd()
                    + " rows_done=" + rows);
            int lockMode = new Inspector(control).autoincLockMode();
            if (lockMode == 0) {
                LOG.warning("event=copy_autoinc_lock id=" + job.id() + " innodb_autoinc_lock_mode=0 effect=\"every insert into "
                        + TableNames.CSMHE + " takes its table AUTO-INC lock (traditional mode), the copy's too: LMS inserts wait up to"
                        + " one statement's time; keep chunks short (--target-chunk-ms 200)\"");
            }
            if (snap.getReconcileFrom() == 0 && !settleBeforeFirstChunk(job, sourceMeta, source, first, done, settleTimeoutMs, settleBlindMs)) {
                return;
            }
            var throttle = snap.getMode() == CopyMode.COPY_MODE_CROSS_SERVER ? Throttling.of(metrics, job, control, sourceMeta)
                    : Throttling.of(metrics, job, control);
            ChunkWalker walker = new ChunkWalker(job, first, snap.getRangeEnd(), done, throttle, lock::check);
            Job settled = job.snapshot();
            if (!settled.getHoleTracking()) {
                copyPasses(job, snap, source, target, tables, lockMode, walker, sourceMeta, control, settleTimeoutMs, settleBlindMs);
                return;
            }
            try (Connection holesConnection = env.plain(target);
                 HoleTracker holes = new HoleTracker(holesConnection, tables, settled.getReconcileFrom() == 0 ? Long.MAX_VALUE : settled.getReconcileFrom())) {
                walker.onCompletion(holes);
                copyPasses(job, snap, source, target, tables, lockMode, walker, sourceMeta, control, settleTimeoutMs, settleBlindMs);
            }
        }
    }

    /** The copy's passes over the range, catching up with rows that arrived meanwhile, until it settles. */
    private void copyPasses(JobHandle job, Job snap, Endpoint source, Endpoint target, Tables tables, int lockMode, ChunkWalker walker,
                            Connection sourceMeta, Connection control, long settleTimeoutMs, long settleBlindMs) throws Exception {
        for (int pass = 0; ; pass++) {
            try (ChunkCopier copier = copier(job, snap.getMode(), source, target, tables, lockMode)) {
                copier.copyAll(walker);
            }
            if (job.control().cancelled()) {
                return;
            }
            if (!growing(sourceMeta, source, walker, snap)) {
                if (!settle(job, sourceMeta, target, tables, walker, settleTimeoutMs, settleBlindMs)) {
                    return; // cancelled
                }
                if (!growing(sourceMeta, source, walker, snap)) {
                    return; // every row is in, late ones too
                }
            }
            if (pass >= MAX_CATCH_UP_PASSES) {
                throw new JobFailure(TableNames.CSMH + " is still growing after " + pass + " catch-up passes; is the LMS still writing it?");
            }
            long newMax = new Inspector(sourceMeta).maxId(source.database(), TableNames.CSMH).orElse(0L);
            try {
                CopyPreflight.requireGap(new Inspector(control), target.database(), newMax);
            } catch (PreconditionException e) {
                throw new JobFailure("catch-up refused: " + e.getMessage());
            }
            LOG.info("event=copy_catch_up id=" + job.id() + " new_max=" + newMax);
            walker.extendTo(newMax);
        }
    }

    /** Rows above the range arrived since it was set (never for a copy given its range end). */
    private static boolean growing(Connection sourceMeta, Endpoint source, ChunkWalker walker, Job snap) throws SQLException {
        return !snap.getFixedRangeEnd() && new Inspector(sourceMeta).maxId(source.database(), TableNames.CSMH).orElse(0L) > walker.last();
    }

    /**
     * Before the first chunk: once the write transactions open now have ended, no id below the old table's next
     * AUTO_INCREMENT value can still appear, so only ids from there up need the final recount. Without PROCESS the
     * copy cannot see them and waits settle_seconds instead, the same bound it trusts before success: an LMS
     * request's transaction lasts well under that, and the ids such a transaction holds are the top of the first
     * pass's range, which it reaches last. (Recounting the whole range instead read both whole tables on the
     * production servers at the end of every copy made with the LMS's own account, hours on a large table, to catch
     * what the verify the cutover requires catches anyway.) A copy that starts over rows already in the target
     * (another job's work), or that timed out waiting, cannot know what those saw: it recounts the whole range.
     */
    private static boolean settleBeforeFirstChunk(JobHandle job, Connection sourceMeta, Endpoint source, long first, long done,
                                                  long timeoutMs, long blindMs) throws SQLException, InterruptedException {
        long next = new Inspector(sourceMeta).nextAutoIncrement(source.database(), TableNames.CSMH);
        LateCommits.Wait wait = LateCommits.awaitOpenTransactions(sourceMeta, job, timeoutMs, "before the first chunk");
        if (wait.outcome() == LateCommits.Outcome.CANCELLED || !waitBlind(job, wait, "before the first chunk", blindMs)) {
            return false;
        }
        boolean settled = wait.outcome() == LateCommits.Outcome.ENDED || wait.outcome() == LateCommits.Outcome.INVISIBLE;
        long from = settled && done < first ? Math.max(first, next) : first;
        String detail = describe(wait, blindMs);
        LOG.info("event=copy_settled id=" + job.id() + " when=start reconcile_from=" + from + " detail=\"" + detail + "\"");
        // Only a blind wait can leave holes a late commit fills below the recount's start: then they are kept.
        boolean blind = wait.outcome() == LateCommits.Outcome.INVISIBLE;
        job.checkpoint(b -> b.setReconcileFrom(from).setSettle("at start: " + detail).setHoleTracking(blind));
        return true;
    }

    /**
     * Where the source's open transactions cannot be seen (INVISIBLE), waits settle_seconds for them instead, saying
     * so in the snapshot. False when cancelled; true at once for any other outcome.
     */
    private static boolean waitBlind(JobHandle job, LateCommits.Wait wait, String when, long blindMs) throws InterruptedException {
        if (wait.outcome() != LateCommits.Outcome.INVISIBLE) {
            return true;
        }
        job.progress(b -> b.setThrottleReason("settling " + when + ": " + wait.describe() + "; waiting " + blindMs / 1000 + " s")
                .setThrottle(org.csmh.proto.v1.Throttle.newBuilder().setCause(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_SETTLING)));
        try {
            return job.control().sleep(blindMs);
        } finally {
            job.progress(b -> b.setThrottleReason(""));
        }
    }

    private static String describe(LateCommits.Wait wait, long blindMs) {
        return wait.outcome() == LateCommits.Outcome.INVISIBLE ? wait.describe() + "; waited " + blindMs / 1000 + " s" : wait.describe();
    }

    /**
     * Before success: waits for the write transactions open now, then recounts ids reconcile_from..last on both
     * sides and copies what the target lacks. False when cancelled.
     */
    private boolean settle(JobHandle job, Connection sourceMeta, Endpoint target, Tables tables, ChunkWalker walker, long timeoutMs,
                           long blindMs) throws Exception {
        long last = walker.last();
        Job snap = job.snapshot();
        LateCommits.Wait wait = LateCommits.awaitOpenTransactions(sourceMeta, job, timeoutMs, "before success");
        if (wait.outcome() == LateCommits.Outcome.TIMED_OUT) {
            throw new JobFailure("not reporting success: " + wait.describe() + ". A row such a transaction commits below id " + last
                    + " would be missed; copy again once it has ended (the copy resumes and recounts)");
        }
        if (wait.outcome() == LateCommits.Outcome.CANCELLED || !waitBlind(job, wait, "before success", blindMs)) {
            return false;
        }
        long from = Math.max(snap.getRangeStart(), snap.getReconcileFrom());
        long copied = from > last ? 0 : recount(job, sourceMeta, target, tables, from, last, walker);
        Job passed = job.snapshot();
        long filled = recountHoles(job, sourceMeta, target, tables, passed, Math.min(from, last + 1), walker);
        String holes = passed.getHolesCount() == 0 ? "" : "; recounted the " + passed.getHoleIds() + " ids the copy passed empty below " + from
                + " (" + passed.getHolesCount() + " range" + (passed.getHolesCount() == 1 ? "" : "s") + "): " + filled + " late row"
                + (filled == 1 ? "" : "s") + " copied";
        String note = snap.getSettle() + "; before success: " + describe(wait, blindMs) + "; recounted ids "
                + (from > last ? "(none)" : from + ".." + last) + ": " + copied + " late row" + (copied == 1 ? "" : "s") + " copied" + holes;
        LOG.info("event=copy_settled id=" + job.id() + " when=end from=" + from + " to=" + last + " late_rows=" + copied + " hole_rows=" + filled);
        job.checkpoint(b -> b.setSettle(note).setRowsDone(b.getRowsDone() + copied + filled).setHoleIds(Math.max(0, b.getHoleIds() - filled))
                .setThrottleReason("").clearRecount().setEtaSeconds(0));
        return !job.control().cancelled();
    }

    /**
     * Recounts the holes the copy passed below {@code below} (ids that held no row when their chunk was read) and
     * copies what filled since: a transaction that had taken such an id and committed after the start's wait.
     */
    private long recountHoles(JobHandle job, Connection sourceMeta, Endpoint target, Tables tables, Job passed, long below, ChunkWalker walker)
            throws Exception {
        if (passed.getHolesCount() == 0) {
            return 0;
        }
        List<IdRange> holes = passed.getHolesList().stream().filter(s -> s.getFirst() < below)
                .map(s -> new IdRange(s.getFirst(), Math.min(s.getLast(), below - 1))).toList();
        try (Connection writer = env.plain(target)) {
            return LateCommits.fillHoles(sourceMeta, writer, tables, holes, job.control().pace().getChunkSize(), job, walker);
        }
    }

    /** Recounts ids from..last on both sides and copies what the target lacks, on a connection of its own. */
    private long recount(JobHandle job, Connection sourceMeta, Endpoint target, Tables tables, long from, long last, ChunkWalker walker)
            throws Exception {
        try (Connection writer = env.plain(target)) {
            return LateCommits.reconcile(sourceMeta, writer, tables, from, last, job.control().pace().getChunkSize(), job, walker);
        }
    }

    /**
     * The rows this job copied so far, from what the target holds: the last saved count (saved at most once a
     * second, so behind after a kill -9) plus the rows between the id it was saved at and the resume point. On its
     * first pass the job has copied nothing yet: rows already there are another job's.
     */
    static long rowsDone(Connection target, Tables tables, long first, Job saved, long done) throws SQLException {
        if (saved.getReconcileFrom() == 0) {
            return saved.getRowsDone();
        }
        long at = saved.getCurrentId();
        if (at >= first - 1 && at <= done) {
            return saved.getRowsDone() + (done > at ? LateCommits.count(target, tables.csmhe(), new IdRange(at + 1, done)) : 0);
        }
        return done < first ? 0 : LateCommits.count(target, tables.csmhe(), new IdRange(first, done));
    }

    /** The copiers for the job's write path ({@link WritePath}: chosen once from the request and the lock mode). */
    private ChunkCopier copier(JobHandle job, CopyMode mode, Endpoint source, Endpoint target, Tables tables, int lockMode) throws SQLException {
        java.util.function.Consumer<String> path = p -> job.progress(b -> b.setWritePath(p));
        WritePath chosen;
        Endpoint server = mode == CopyMode.COPY_MODE_SAME_INSTANCE ? env.sameInstanceCopier() : target;
        try (Connection probe = env.plain(server)) {
            chosen = WritePath.choose(job.spec().getCopy(), mode, lockMode, WritePath.onAnotherHost(probe, server.host()));
        }
        int writers = chosen.writers();
        String simpleInserts = chosen.simpleInsertsBecause();
        java.util.function.Consumer<String> described = p -> path.accept(p + chosen.writersNote());
        boolean insertSelect = chosen.insertSelect();
        List<ConnectionFactory.Opening> openings = new ArrayList<>();
        if (insertSelect) {
            openings.add(JobEnvironment.plainTo(env.sameInstanceCopier()));
            // Short statements: a chunk's batch goes as one multi-statement round trip (Connector/J's batch rewrite).
            openings.addAll(Collections.nCopies(writers, chosen.shortIds() > 0 ? JobEnvironment.batching(env.sameInstanceCopier())
                    : JobEnvironment.plainTo(env.sameInstanceCopier())));
        } else {
            openings.add(JobEnvironment.reading(source));
            openings.addAll(Collections.nCopies(writers, JobEnvironment.writing(target)));
        }
        List<Connection> opened = env.openAll(openings);
        try {
            if (insertSelect) {
                path.accept(chosen.describe(true));
                return new SameInstanceCopier(opened.get(0), opened.subList(1, opened.size()), tables, chosen.shortIds());
            }
            return new CrossServerCopier(opened.get(0), opened.subList(1, opened.size()), tables, described, simpleInserts);
        } catch (RuntimeException | SQLException e) {
            for (Connection c : opened) {
                c.close();
            }
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
     * got there some other way (the LMS numbering new rows from 1 in a table Django created) would make the copy
     * skip everything under it, and counting is not enough (LMS ids 1..k count the same as old ids 1..k), so the
     * ids just below the resume point are compared by content on both sides. Rows only missing there are no such
     * claim gone wrong: a late commit an earlier copy missed lands at the top of its range, a verify finds it, and
     * copying again is the remedy (a copy over rows already there recounts its whole range and copies them).
     */
    static void checkResumePoint(Connection source, Connection target, Tables tables, long first, long done, long window)
            throws SQLException, JobFailure {
        if (done < first) {
            return;
        }
        IdRange below = new IdRange(Math.max(first, done - window + 1), done);
        var foreign = ChunkChecksum.foreignRows(source, target, tables, below);
        if (foreign.isPresent()) {
            ChunkChecksum.Both sums = foreign.get();
            throw new JobFailure("CSMHE has rows in the copy range that this copy did not write: ids " + below + " hold "
                    + sums.copy().rows() + " rows in the target, " + sums.old().rows() + " in the source, and they differ. Find out what wrote them before"
                    + " copying (csmhctl status names rows the LMS wrote at old ids)");
        }
    }
}
