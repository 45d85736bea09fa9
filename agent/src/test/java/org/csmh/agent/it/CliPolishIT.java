package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.client.cli.Csmhctl;
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

    record Run(int code, String out, String err) {
    }

    private static Run csmhctl(CopyHarness h, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--agent";
        full[1] = h.target();
        System.arraycopy(args, 0, full, 2, args.length);
        int code = Csmhctl.run(full, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noJobsAFailedJobAndAnEmptyTablesPurge() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 0)) {
            h.startInProcess();
            h.configureTarget();
            Run none = csmhctl(h, "jobs");
            assertEquals(0, none.code(), none.toString());
            assertEquals("no jobs\n", none.out());

            // A signal no server reports is unreadable; after max_unreadable_seconds the copy fails.
            String id = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setRangeStart(1).setRangeEnd(10)
                    .setPace(Pace.newBuilder().setMaxUnreadableSeconds(1).addMaxLoad(LoadLimit.newBuilder().setName("No_such_status").setLimit(1)))
                    .build()).getId();
            h.awaitState(id, JobState.JOB_STATE_FAILED, 30_000);
            Run failed = csmhctl(h, "job", id);
            assertEquals(7, failed.code(), failed.toString());
            assertTrue(failed.out().contains("No_such_status is not reported by SHOW GLOBAL STATUS"), failed.out());

            Run purge = csmhctl(h, "purge", "--truncate", "--force");
            assertEquals(0, purge.code(), purge.toString());
            assertTrue(purge.err().contains("(no ids)") && !purge.err().contains("1..0"), purge.err());
        }
    }
}
