package org.csmh.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What csmhctl says to bad input before it calls anything: one line, exit 2, and JSON with --json. */
class CommandLineTest {
    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Csmhctl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTimeoutBelowOneSecondIsBadInput() {
        for (String t : new String[] {"0", "-5"}) {
            Run r = run("--agent", "unix:/nonexistent.sock", "--timeout", t, "jobs");
            assertEquals(2, r.code(), r.toString());
            assertEquals("csmhctl: --timeout must be at least 1 second, got " + t + "\n", r.err());
        }
    }

    @Test
    void anAgentAddressThatIsNeitherASocketNorHostPortIsOneLine() {
        Run r = run("--agent", "foo", "jobs");
        assertEquals(2, r.code(), r.toString());
        assertEquals("csmhctl: agent address 'foo': expected unix:/path/to/socket or host:port\n", r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void helpNamesACommand() {
        Run all = run("help");
        assertEquals(0, all.code(), all.toString());
        assertTrue(all.out().contains("plan") && all.out().contains("copy"), all.out());
        Run copy = run("help", "copy");
        assertEquals(0, copy.code(), copy.toString());
        assertTrue(copy.out().startsWith("Usage: csmhctl copy"), copy.out());
    }

    @Test
    void aUsageErrorWithJsonIsAJsonError() {
        Run r = run("--json", "copy", "--no-such-option");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.out().startsWith("{\"error\": {\"code\": \"INVALID_ARGUMENT\", \"message\": \"Unknown option: '--no-such-option'"), r.out());
        Run text = run("copy", "--no-such-option");
        assertEquals(2, text.code());
        assertEquals("", text.out());
        assertTrue(text.err().startsWith("csmhctl: Unknown option: '--no-such-option'"), text.err());
    }

    @Test
    void provisionHelpHasNoFormatWarnings() {
        Run r = run("provision", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("(default %)"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void maxLoadParsesGhOstSyntax() {
        var limits = PaceOptions.loadLimits("Threads_running=50, trx_rseg_history_len=1000000");
        assertEquals("Threads_running", limits.get(0).getName());
        assertEquals(1_000_000, limits.get(1).getLimit());
        Run bad = run("--agent", "unix:/nonexistent.sock", "plan", "--max-load", "Threads_running");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--max-load: 'Threads_running' is not NAME=LIMIT"), bad.err());
    }
}
