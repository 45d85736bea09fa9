package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.client.cli.Csmhctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csmhctl copy / verify / jobs / watch / control against a real agent. */
class CopyCliIT {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(CopyHarness h, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--agent";
        full[1] = h.target();
        System.arraycopy(args, 0, full, 2, args.length);
        int code = Csmhctl.run(full, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), terminal);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void copyAndVerifyFromTheCommandLine() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 6_000).startInProcess()) {
            h.configureTarget();
            Run copy = run(h, false, "copy", "--chunk-size", "1000", "--sleep-ms", "0", "--growth-check-seconds", "0");
            assertEquals(0, copy.code(), copy.toString());
            List<String> events = copy.out().lines().toList();
            assertTrue(events.size() >= 2, copy.out());
            assertTrue(events.stream().allMatch(l -> l.startsWith("{\"id\":")), "one JSON object per line when not a terminal: " + copy.out());
            assertTrue(events.get(events.size() - 1).contains("\"state\":\"JOB_STATE_SUCCEEDED\""), copy.out());
            assertTrue(events.get(events.size() - 1).contains("\"rowsDone\":\"6000\""), copy.out());
            // In text, the job says how it wrote the rows.
            Run shown = run(h, false, "job", events.get(0).substring(7, 15));
            assertEquals(0, shown.code(), shown.toString());
            assertTrue(shown.out().contains("\n  path: INSERT..SELECT per chunk (same instance)") || shown.out().contains("\n  path: multi-row INSERT"),
                    shown.out());

            Run verify = run(h, true, "verify", "--chunk-size", "2000");
            assertEquals(0, verify.code(), verify.toString());
            assertTrue(verify.out().contains("\r\033[2Kverify "), verify.out());
            assertTrue(verify.out().contains("[##############################] 100.0%"), verify.out());
            assertTrue(verify.out().contains("succeeded"), verify.out());
            assertTrue(verify.err().matches("(?s)started verify job \\w+ \\(ids 1\\.\\.\\d+\\); Ctrl-C stops watching.*"),
                    "a verify has no copy mode to show: " + verify.err());
            assertTrue(copy.err().contains("(ids 1..6000, same_instance); Ctrl-C stops watching"), "a copy shows its mode: " + copy.err());

            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe() + " WHERE id = 4321");
            Run bad = run(h, false, "--json", "verify", "--chunk-size", "2000");
            assertEquals(7, bad.code(), bad.toString());
            assertTrue(bad.out().contains("\"ids\":[\"4321\"]"), bad.out());

            Run jobs = run(h, false, "jobs");
            assertEquals(0, jobs.code());
            assertEquals(3, jobs.out().lines().filter(l -> l.startsWith("copy ") || l.startsWith("verify ")).count(), jobs.out());

            // Copying again resumes from what the target holds: nothing left to do once the row is back.
            TestDatabases.execute(h.target, "INSERT INTO " + h.csmhe() + " (id, version, created, state, grade, max_grade, student_module_id) SELECT id, version, created, state, grade, max_grade, "
                    + "student_module_id FROM " + h.csmh() + " WHERE id = 4321");
            Run detached = run(h, false, "--json", "copy", "--detach", "--growth-check-seconds", "0");
            assertEquals(0, detached.code(), detached.toString());
            String id = detached.out().substring(7, 15);
            Run watched = run(h, false, "watch", id);
            assertEquals(0, watched.code(), watched.toString());
            String end = watched.out().lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(end.contains("JOB_STATE_SUCCEEDED") && !end.contains("rowsDone"), "no rows copied twice: " + end);

            Run unknown = run(h, false, "pause", "deadbeef");
            assertEquals(4, unknown.code(), unknown.toString());
            assertTrue(unknown.err().contains("no job with id 'deadbeef'"), unknown.err());
            Run badMode = run(h, false, "copy", "--mode", "sideways");
            assertEquals(2, badMode.code());
            Run negative = run(h, false, "copy", "--chunk-size", "-5");
            assertEquals(2, negative.code());
        }
    }
}
