package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.NextRowId;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.mysql.Tables;
import org.csmh.proto.v1.Recount;

/**
 * Rows that commit out of id order. An id is taken when a row is inserted, but the row is visible only when its
 * transaction commits; with Django's ATOMIC_REQUESTS an LMS request can hold a new history row uncommitted for
 * seconds while later rows commit. A chunk read in between misses that row for good, and nothing after it would
 * notice. So the copy
 * <ol>
 *   <li>before its first chunk reads the old table's next AUTO_INCREMENT value, then waits for the source's write
 *       transactions open at that moment to end: after that no id below the value can still appear;</li>
 *   <li>before it reports success waits again for the write transactions open then, and recounts every chunk from
 *       that value up on both sides, copying the rows the target lacks.</li>
 * </ol>
 * Seeing open transactions needs PROCESS on the source; without it the copy waits settle_seconds at each of the
 * two points instead (CopyRunner), trusting that no write transaction stays open longer.
 */
final class LateCommits {
    private static final int ID_BATCH = 500;

    enum Outcome { ENDED, INVISIBLE, TIMED_OUT, CANCELLED }

    /** How a wait went: the outcome, how many transactions it waited for, for how long, and those still open. */
    record Wait(Outcome outcome, int waitedFor, long millis, String stillOpen) {
        String describe() {
            return switch (outcome) {
                case ENDED -> waitedFor == 0 ? "no open source transactions"
                        : "waited " + millis / 1000.0 + " s for " + waitedFor + " open source transaction" + (waitedFor == 1 ? "" : "s");
                case INVISIBLE -> "cannot see the source's open transactions (the source account lacks PROCESS)";
                case TIMED_OUT -> "source transactions still open after " + millis / 1000 + " s: " + stillOpen;
                case CANCELLED -> "cancelled while waiting for open source transactions";
            };
        }
    }

    private LateCommits() {
    }

    /** Waits until every write transaction open on the source now has ended, showing what it waits for. */
    static Wait awaitOpenTransactions(Connection source, JobHandle job, long timeoutMillis, String why) throws SQLException, InterruptedException {
        long t0 = System.nanoTime();
        List<Inspector.OpenTransaction> open;
        try {
            open = new Inspector(source).openWriteTransactions();
        } catch (SQLException e) {
            if (SqlErrors.kind(e) == SqlErrors.Kind.ACCESS_DENIED) { // 1227: PROCESS needed to read INNODB_TRX
                return new Wait(Outcome.INVISIBLE, 0, 0, "");
            }
            throw e;
        }
        Set<String> waiting = keys(open);
        int count = waiting.size();
        try {
            while (true) {
                waiting.retainAll(keys(open));
                if (waiting.isEmpty()) {
                    break;
                }
                long waited = (System.nanoTime() - t0) / 1_000_000;
                String detail = open.stream().filter(t -> waiting.contains(key(t))).limit(3)
                        .map(t -> "thread " + t.thread() + " open " + t.ageSeconds() + " s").collect(Collectors.joining(", "));
                if (waited >= timeoutMillis) {
                    return new Wait(Outcome.TIMED_OUT, count, waited, detail);
                }
                String reason = "settling " + why + ": waiting for " + waiting.size() + " open source transaction"
                        + (waiting.size() == 1 ? "" : "s") + " to end (" + detail + ")";
                job.progress(b -> b.setThrottleReason(reason).setThrottle(org.csmh.proto.v1.Throttle.newBuilder().setCause(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_SETTLING)).setRowsPerSecond(0));
                if (!job.control().sleep(Math.min(250, timeoutMillis - waited)) || !job.control().awaitRunnable()) {
                    return new Wait(Outcome.CANCELLED, count, waited, "");
                }
                open = new Inspector(source).openWriteTransactions();
            }
        } finally {
            job.progress(b -> b.setThrottleReason(""));
        }
        return new Wait(Outcome.ENDED, count, (System.nanoTime() - t0) / 1_000_000, "");
    }

    /**
     * Recounts ids {@code from..to} chunk by chunk on both sides and copies the rows the target lacks. A target row
     * the source does not have is an error: something else wrote old ids into CSMHE. Returns the rows copied.
     * After another job's rows, or a wait for open transactions that timed out at the start, this reads the whole
     * of both tables on the production servers: each chunk waits out a pause and the throttle as the copy's chunks
     * do, and the job's {@code recount} says how far it is (once a second).
     */
    static long reconcile(Connection source, Connection target, Tables tables, long from, long to, long chunk, JobHandle job,
                          ChunkWalker walker) throws Exception {
        long copied = 0;
        StrictWrites.prepare(target);
        long startedAt = System.nanoTime();
        long shownAt = 0;
        try (NextRowId sourceNext = new NextRowId(source, tables.csmh()); NextRowId targetNext = new NextRowId(target, tables.csmhe())) {
            long a = from;
            while (a <= to) {
                if (System.nanoTime() - shownAt > 1_000_000_000L) {
                    shownAt = System.nanoTime();
                    long doneThrough = a - 1;
                    // The copy's own ETA reached 0 with its last chunk; until success it is the recount's.
                    long eta = recountEta(from, doneThrough, to, shownAt - startedAt);
                    job.progress(b -> b.setRecount(Recount.newBuilder().setRangeStart(from).setRangeEnd(to).setCurrentId(doneThrough)
                            .setProgress(IdRange.doneShare(from, doneThrough, to))).setEtaSeconds(eta));
                }
                if (!walker.awaitThrottle()) {
                    break; // cancelled
                }
                IdRange r = new IdRange(a, Math.min(to, a + chunk - 1));
                long inSource = count(source, tables.csmh(), r);
                long inTarget = count(target, tables.csmhe(), r);
                if (inSource == 0 && inTarget == 0) {
                    // A hole in the ids (as in ChunkWalker.seekWith): the next chunk starts at the next id either table
                    // holds, not chunk after empty chunk, each with its throttle reading.
                    OptionalLong next = NextRowId.first(sourceNext.atOrAfter(r.last() + 1), targetNext.atOrAfter(r.last() + 1));
                    a = next.isPresent() ? next.getAsLong() : to + 1;
                    continue;
                }
                a = r.last() + 1;
                if (inSource == inTarget) {
                    continue;
                }
                TreeSet<Long> missing = ids(source, tables.csmh(), r);
                TreeSet<Long> extra = ids(target, tables.csmhe(), r);
                TreeSet<Long> common = new TreeSet<>(missing);
                common.retainAll(extra);
                missing.removeAll(common);
                extra.removeAll(common);
                if (!extra.isEmpty()) {
                    throw new JobFailure("CSMHE has " + extra.size() + " rows in ids " + r + " that the old table does not (first id "
                            + extra.first() + "): something else wrote old ids into CSMHE; find out what before copying");
                }
                copied += copyRows(source, target, tables, new ArrayList<>(missing), r);
            }
        }
        return copied;
    }

    /** Holes asked about in one statement on each side: a few KiB of SQL. */
    private static final int HOLE_BATCH = 500;

    /**
     * Recounts the holes a copy passed (ids that held no row when their chunk was read) and copies the rows that
     * committed into them since. Narrow holes go {@value #HOLE_BATCH} to a statement (one throttle reading, one read
     * of the old table, one of CSMHE for what it found); a hole wider than a chunk (two holes merged past the cap, a
     * range deleted long ago) is recounted chunk by chunk as {@link #reconcile} does. Returns the rows copied.
     */
    static long fillHoles(Connection source, Connection target, Tables tables, List<IdRange> holes, long chunk, JobHandle job,
                          ChunkWalker walker) throws Exception {
        StrictWrites.prepare(target);
        long copied = 0;
        List<IdRange> batch = new ArrayList<>();
        for (IdRange h : holes) {
            if (job.control().cancelled()) {
                break;
            }
            if (h.last() - h.first() + 1 > chunk) {
                copied += reconcile(source, target, tables, h.first(), h.last(), chunk, job, walker);
                continue;
            }
            batch.add(h);
            if (batch.size() == HOLE_BATCH) {
                copied += fillBatch(source, target, tables, batch, walker);
                batch.clear();
            }
        }
        return batch.isEmpty() || job.control().cancelled() ? copied : copied + fillBatch(source, target, tables, batch, walker);
    }

    private static long fillBatch(Connection source, Connection target, Tables tables, List<IdRange> batch, ChunkWalker walker) throws Exception {
        if (!walker.awaitThrottle()) {
            return 0;
        }
        String where = batch.stream().map(r -> "id BETWEEN " + r.first() + " AND " + r.last()).collect(Collectors.joining(" OR "));
        TreeSet<Long> found = ids(source, "SELECT id FROM " + tables.csmh() + " WHERE " + where);
        if (found.isEmpty()) {
            return 0;
        }
        found.removeAll(ids(target, "SELECT id FROM " + tables.csmhe() + " WHERE id IN (" + found.stream().map(String::valueOf)
                .collect(Collectors.joining(",")) + ")"));
        return found.isEmpty() ? 0 : copyRows(source, target, tables, new ArrayList<>(found), new IdRange(batch.get(0).first(),
                batch.get(batch.size() - 1).last()));
    }

    private static TreeSet<Long> ids(Connection c, String sql) throws SQLException {
        TreeSet<Long> out = new TreeSet<>();
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** Seconds left at the recount's pace so far (ids over time), or -1 before it has any. */
    static long recountEta(long from, long doneThrough, long to, long elapsedNanos) {
        long done = doneThrough - from + 1;
        if (done <= 0 || elapsedNanos <= 0) {
            return -1;
        }
        return (long) Math.ceil((to - doneThrough) * (elapsedNanos / 1e9) / done);
    }

    private static long copyRows(Connection source, Connection target, Tables tables, List<Long> ids, IdRange r)
            throws SQLException, JobFailure {
        long rows = 0;
        String marks = "?,?,?,?,?,?,?";
        try {
            for (int i = 0; i < ids.size(); i += ID_BATCH) {
                List<Long> batch = ids.subList(i, Math.min(ids.size(), i + ID_BATCH));
                String in = batch.stream().map(x -> "?").collect(Collectors.joining(","));
                try (PreparedStatement read = source.prepareStatement("SELECT " + Tables.COLUMNS + " FROM " + tables.csmh() + " WHERE id IN (" + in + ")");
                     PreparedStatement write = target.prepareStatement("INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") VALUES (" + marks + ")")) {
                    for (int k = 0; k < batch.size(); k++) {
                        read.setLong(k + 1, batch.get(k));
                    }
                    try (ResultSet rs = read.executeQuery()) {
                        while (rs.next()) {
                            // The server's own text for every value: exact for DATETIME(6) (setObject of a
                            // LocalDateTime drops the microseconds) and for DOUBLE (shortest text that reads back).
                            for (int c = 1; c <= Tables.WIDTH; c++) {
                                write.setString(c, rs.getString(c));
                            }
                            write.addBatch();
                            rows++;
                        }
                    }
                    write.executeBatch();
                    StrictWrites.noWarnings(write, r);
                }
            }
            target.commit();
        } catch (SQLException | JobFailure e) {
            try {
                target.rollback();
            } catch (SQLException ignored) {
                // the connection is likely gone; the server rolls back on its own
            }
            throw e;
        }
        return rows;
    }

    static long count(Connection c, String table, IdRange r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, r.first());
            ps.setLong(2, r.last());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static TreeSet<Long> ids(Connection c, String table, IdRange r) throws SQLException {
        return ids(c, "SELECT id FROM " + table + " WHERE id BETWEEN " + r.first() + " AND " + r.last());
    }

    private static Set<String> keys(List<Inspector.OpenTransaction> open) {
        return open.stream().map(LateCommits::key).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String key(Inspector.OpenTransaction t) {
        return t.thread() + "@" + t.started();
    }
}
