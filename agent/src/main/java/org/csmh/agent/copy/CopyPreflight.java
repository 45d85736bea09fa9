package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.SQLException;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.CopyMode;

/**
 * Checks run before a copy is accepted, so a refusal comes back to the caller rather than as a failed job:
 * both tables exist, CSMHE's AUTO_INCREMENT leaves room above max(CSMH.id), no other runner holds the fleet
 * lock, and the old table has stopped growing.
 */
public final class CopyPreflight {
    public record Plan(long first, long last, CopyMode mode) {
    }

    /** Sleeps between the two growth readings; tests pass a shorter one. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private CopyPreflight() {
    }

    public static Plan check(JobEnvironment env, long rangeStart, long rangeEnd, CopyMode requested, int growthSeconds, Sleeper sleeper)
            throws InterruptedException {
        Endpoint source = env.source();
        Endpoint target = env.target();
        try (Connection src = env.plain(source); Connection tgt = env.plain(target)) {
            Inspector in = new Inspector(src);
            Inspector out = new Inspector(tgt);
            if (!in.tableExists(source.database(), TableNames.CSMH)) {
                throw new PreconditionException("no table " + TableNames.CSMH + " in " + source.database() + " on " + source.describe());
            }
            if (!out.tableExists(target.database(), TableNames.CSMHE)) {
                throw new PreconditionException("no table " + TableNames.CSMHE + " in " + target.database() + " on " + target.describe()
                        + ": run the migrations first");
            }
            long max = in.maxId(source.database(), TableNames.CSMH).orElse(0L);
            long first = rangeStart == 0 ? 1 : rangeStart;
            long last = rangeEnd == 0 ? max : rangeEnd;
            requireGap(out, target.database(), Math.max(max, last));
            Long holder = FleetLock.holder(tgt, FleetLock.name("copy", target.database()));
            if (holder != null) {
                throw new PreconditionException("another copy into " + target.database() + " is running (server connection " + holder
                        + " holds the lock); only one may run at a time");
            }
            if (growthSeconds > 0) {
                sleeper.sleep(growthSeconds * 1000L);
                long again = in.maxId(source.database(), TableNames.CSMH).orElse(0L);
                if (again > max) {
                    throw new PreconditionException(TableNames.CSMH + " grew from max(id) " + max + " to " + again + " in " + growthSeconds
                            + " s: the LMS still writes the old table. Set ENABLE_CSMH_EXTENDED, restart the LMS, then copy");
                }
            }
            return new Plan(first, last, env.resolveMode(requested, src, tgt));
        } catch (SQLException e) {
            throw DatabaseAccessException.from(target, "copy preflight", e);
        }
    }

    /** New CSMHE rows must get ids above every old id, or copied rows would collide with them. */
    static void requireGap(Inspector target, String db, long maxOldId) throws SQLException {
        long next = target.nextAutoIncrement(db, TableNames.CSMHE);
        if (next <= maxOldId) {
            throw new PreconditionException(TableNames.CSMHE + " AUTO_INCREMENT is " + next + " but old ids go up to " + maxOldId
                    + ": copied ids would collide with new rows. Set it above (migration 0001 uses max(id) + 10000): ALTER TABLE "
                    + TableNames.CSMHE + " AUTO_INCREMENT = " + (maxOldId + 10_000));
        }
    }
}
