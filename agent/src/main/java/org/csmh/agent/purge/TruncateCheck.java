package org.csmh.agent.purge;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.csmh.agent.cutover.CutoverGate;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;

/**
 * Whether a TRUNCATE may empty the old table: it holds no row at all, or every row it holds is one a verify compared
 * and found in CSMHE, that verify passed after the last copy, covers every id the table holds, and counted as many
 * rows as the table holds now. A TRUNCATE cannot choose its rows, so a row written since (a worker still running
 * with the old settings, a transaction that committed late into a hole) must stop it; asked once before the job
 * starts and again at the TRUNCATE, under the table's lock.
 */
public final class TruncateCheck {
    /** The old table as it is at the moment of asking; rows {@link #NOT_COUNTED} where counting was too costly to do. */
    public record OldTable(long rows, OptionalLong min, OptionalLong max) {
    }

    /** Rows not counted (a preflight over a span too large to count in seconds): the coverage alone is checked. */
    public static final long NOT_COUNTED = -1;

    private TruncateCheck() {
    }

    /** Why the TRUNCATE may not run, or empty when it may. */
    public static Optional<String> refusal(List<Job> all, OldTable now) {
        if (now.rows() == 0 || now.max().isEmpty()) {
            return Optional.empty();
        }
        long min = now.min().orElse(0);
        long max = now.max().orElse(0);
        Job verify;
        try {
            verify = CutoverGate.passingVerify(all, min, max);
        } catch (PreconditionException e) {
            return Optional.of("TRUNCATE would remove rows no verify found in CSMHE (" + e.getMessage().replace(": run csmhctl verify, or cut over with force", "")
                    + "); a TRUNCATE cannot leave any behind: verify first, or purge with the chunked DELETE, which removes only the rows"
                    + " CSMHE holds");
        }
        if (now.rows() != NOT_COUNTED && verify.getRowsDone() != now.rows()) {
            return Optional.of("the old table holds " + now.rows() + " rows at ids " + min + ".." + max + " where verify " + verify.getId()
                    + " compared " + verify.getRowsDone() + " over ids " + verify.getRangeStart() + ".." + verify.getRangeEnd()
                    + ": rows came or went since (a late commit, a server still writing the old table, or a purge's DELETE), and a"
                    + " TRUNCATE cannot leave the new ones behind; purge with the chunked DELETE (it removes only the rows CSMHE holds),"
                    + " or copy again and verify, then truncate");
        }
        return Optional.empty();
    }
}
