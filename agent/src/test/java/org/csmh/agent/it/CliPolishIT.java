package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.LoadLimit;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csmhctl's answers where there is little to say: no jobs, a failed job shown, a purge of an empty table. */
class CliPolishIT {
    @TempDir
    Path dir;


    /** csmhctl against this harness's agent, as CopyCliIT runs it (not on a terminal). */
    private static CopyCliIT.Run csmhctl(CopyHarness h, String... args) {
        return CopyCliIT.run(h, false, args);
    }

    @Test
    void noJobsAFailedJobAndAnEmptyTablesPurge() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 0)) {
            h.startInProcess();
            h.configureTarget();
            CopyCliIT.Run none = csmhctl(h, "jobs");
            assertEquals(0, none.code(), none.toString());
            assertEquals("no jobs\n", none.out());

            // A signal no server reports is unreadable; after max_unreadable_seconds the copy fails.
            String id = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setRangeStart(1).setRangeEnd(10)
                    .setPace(Pace.newBuilder().setMaxUnreadableSeconds(1).addMaxLoad(LoadLimit.newBuilder().setName("No_such_status").setLimit(1)))
                    .build()).getId();
            h.awaitState(id, JobState.JOB_STATE_FAILED, 30_000);
            CopyCliIT.Run failed = csmhctl(h, "job", id);
            assertEquals(7, failed.code(), failed.toString());
            assertTrue(failed.out().contains("No_such_status is not reported by SHOW GLOBAL STATUS"), failed.out());

            CopyCliIT.Run purge = csmhctl(h, "purge", "--truncate", "--force");
            assertEquals(0, purge.code(), purge.toString());
            assertTrue(purge.err().contains("(no ids)") && !purge.err().contains("1..0"), purge.err());
        }
    }
}
