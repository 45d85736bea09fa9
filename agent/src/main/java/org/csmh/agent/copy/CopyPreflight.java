package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.csmh.agent.job.FleetLock;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.ReadOnlyProbe;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.verify.OldIdRows;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.CopyMode;

/**
 * Checks run before a copy is accepted, so a refusal comes back to the caller rather than as a failed job:
 * both tables exist, CSMHE holds no rows the LMS wrote at old ids, its AUTO_INCREMENT leaves room above
 * max(CSMH.id), no other runner holds the fleet lock, and the old table has stopped growing. A database error names the endpoint it came from.
 */
public final class CopyPreflight {
    public record Plan(long first, long last, CopyMode mode) {
    }

    /** Sleeps between the two growth readings; tests pass a shorter one. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private interface Step<T> {
        T run() throws SQLException, InterruptedException;
    }

    private CopyPreflight() {
    }

    public static Plan check(JobEnvironment env, long rangeStart, long rangeEnd, CopyMode requested, long growthSeconds, Sleeper sleeper)
            throws InterruptedException {
        Endpoint source = env.source();
        Endpoint target = env.target();
        List<Connection> opened = env.openAll(JobEnvironment.plainTo(source), JobEnvironment.plainTo(target));
        try (Connection src = opened.get(0); Connection tgt = opened.get(1)) {
            Inspector in = new Inspector(src);
            Inspector out = new Inspector(tgt);
            Tables tables = new Tables(source.database(), target.database());
            long max = on(source, () -> {
                if (!in.tableExists(source.database(), TableNames.CSMH)) {
                    throw new PreconditionException("no table " + TableNames.CSMH + " in " + source.database() + " on " + source.describe());
                }
                return in.maxId(source.database(), TableNames.CSMH).orElse(0L);
            });
            // From the old table's lowest row: below it are no old rows to copy, only (after a purge that kept some
            // rows) copies whose originals the purge removed, which a copy must not take for another writer's rows.
            long lowest = on(source, () -> in.minId(source.database(), TableNames.CSMH).orElse(1L));
            long first = rangeStart == 0 ? lowest : rangeStart;
            long last = rangeEnd == 0 ? max : rangeEnd;
            on(target, () -> {
                if (!out.tableExists(target.database(), TableNames.CSMHE)) {
                    throw new PreconditionException("no table " + TableNames.CSMHE + " in " + target.database() + " on " + target.describe()
                            + ": run the migrations first");
                }
                // Rows the LMS wrote at old ids first: raising AUTO_INCREMENT (what the gap check asks) does not move them.
                var written = OldIdRows.probe(src, tgt, tables, Math.max(max, last));
                if (written.isPresent() && written.get().foreign()) {
                    throw new PreconditionException(written.get().describe(TableNames.CSMHE));
                }
                requireGap(out, target.database(), Math.max(max, last));
                String copying = FleetLock.heldBy(tgt, FleetLock.name("copy", target.database()));
                if (copying != null) {
                    throw new PreconditionException("another copy into " + target.database() + " is running (" + copying
                            + "); only one may run at a time");
                }
                return null;
            });
            on(source, () -> {
                String purging = purgeElsewhere(src, source.database());
                if (purging != null) {
                    throw new PreconditionException(purging);
                }
                return null;
            });
            if (growthSeconds > 0) {
                sleeper.sleep(growthSeconds * 1000L);
                long again = on(source, () -> in.maxId(source.database(), TableNames.CSMH).orElse(0L));
                if (again > max) {
                    throw new PreconditionException(TableNames.CSMH + " grew from max(id) " + max + " to " + again + " in " + growthSeconds
                            + " s: the LMS still writes the old table. Set ENABLE_CSMH_EXTENDED, restart the LMS, then copy");
                }
            }
            String from = on(source, () -> new Inspector(src).serverIdentity());
            String to = on(target, () -> new Inspector(tgt).serverIdentity());
            CopyMode mode = resolveMode(requested, from, to);
            Inspector.ServerFacts facts = on(target, out::serverFacts);
            if (facts.readOnly()) {
                on(target, () -> {
                    requireWritable(tgt, tables.csmhe());
                    return null;
                });
            }
            if (mode == CopyMode.COPY_MODE_SAME_INSTANCE && "STATEMENT".equalsIgnoreCase(facts.binlogFormat())) {
                throw new PreconditionException("the server logs binlog_format=STATEMENT: a same-instance copy's INSERT..SELECT is unsafe"
                        + " for replication there (the server would warn on every chunk). Set binlog_format to ROW or MIXED, or copy"
                        + " with mode cross-server");
            }
            return new Plan(first, last, mode);
        } catch (SQLException e) {
            // Only closing can get here: both connections were open and every query is attributed above.
            throw DatabaseAccessException.from(target, "copy preflight", e);
        }
    }

    private static <T> T on(Endpoint endpoint, Step<T> step) throws InterruptedException {
        try {
            return step.run();
        } catch (SQLException e) {
            throw DatabaseAccessException.from(endpoint, "copy preflight", e);
        }
    }

    /** New CSMHE rows must get ids above every old id, or copied rows would collide with them. */
    public static void requireGap(Inspector target, String db, long maxOldId) throws SQLException {
        long next = target.nextAutoIncrement(db, TableNames.CSMHE);
        if (next <= maxOldId) {
            throw new PreconditionException(TableNames.CSMHE + " AUTO_INCREMENT is " + next + " but old ids go up to " + maxOldId
                    + ": copied ids would collide with new rows. Set it above (migration 0001 uses max(id) + 10000): ALTER TABLE "
                    + TableNames.CSMHE + " AUTO_INCREMENT = " + (maxOldId + 10_000));
        }
    }

    /**
     * A target with read_only on refuses the copy's writes unless its account may write past it: refused here, up
     * front, a replica named by mistake is not a job that waits out job_retry_seconds before it fails.
     */
    static void requireWritable(Connection target, String csmhe) throws SQLException {
        var refusal = ReadOnlyProbe.refusal(target, csmhe);
        if (refusal.isPresent()) {
            throw new PreconditionException("the target server refuses writes (" + refusal.get() + "): is student_module_history"
                    + " pointing at a replica or a read-only endpoint? Point it at the primary, or turn read_only off there, then copy");
        }
    }

    /**
     * Why a copy may not go on while another runner purges the old table (its fleet lock held on the old table's
     * server), or null: the copy would miss the rows the purge deletes, and a verify would then find them missing
     * from both tables and pass.
     */
    static String purgeElsewhere(Connection source, String database) throws SQLException {
        String purging = FleetLock.heldBy(source, FleetLock.name("purge", database));
        return purging == null ? null : "a purge of " + database + "." + TableNames.CSMH + " is running (" + purging
                + "); a copy now would miss the rows it deletes: let the purge end or cancel it first";
    }

    /** AUTO becomes SAME_INSTANCE when both endpoints reach one server (same @@hostname, @@port, @@datadir). */
    public static CopyMode resolveMode(CopyMode requested, String sourceServer, String targetServer) {
        if (requested == CopyMode.COPY_MODE_SAME_INSTANCE || requested == CopyMode.COPY_MODE_CROSS_SERVER) {
            return requested;
        }
        return sourceServer.equals(targetServer) ? CopyMode.COPY_MODE_SAME_INSTANCE : CopyMode.COPY_MODE_CROSS_SERVER;
    }
}
