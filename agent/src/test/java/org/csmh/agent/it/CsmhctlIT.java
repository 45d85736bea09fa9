package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.csmh.client.cli.Csmhctl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csmhctl end to end against a real agent: output, --json, exit codes, secrets never on argv. */
class CsmhctlIT {
    @TempDir
    static Path dir;
    static AgentHarness h;

    @BeforeAll
    static void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--agent";
        full[1] = h.address();
        System.arraycopy(args, 0, full, 2, args.length);
        int code = Csmhctl.run(full, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void provisionSettingsAndStatusFromTheCommandLine() throws Exception {
        Path pw = dir.resolve("rt.pass");
        Files.writeString(pw, "cli-secret\n");
        String db = AgentHarness.unique("csmh_c");
        String rt = AgentHarness.unique("rt");
        String mg = AgentHarness.unique("mg");
        Run first = run("mig-secret\n", "provision", "--database", db, "--runtime-user", rt, "--runtime-password-file", pw.toString(),
                "--migrate-user", mg, "--migrate-password-stdin");
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("ran: CREATE DATABASE `" + db + "`"), first.out());
        assertTrue(first.out().trim().endsWith("changed"), first.out());
        assertFalse(first.out().contains("secret"), first.out());

        Run again = run("mig-secret\n", "--json", "provision", "--database", db, "--runtime-user", rt, "--runtime-password-file", pw.toString(),
                "--migrate-user", mg, "--migrate-password-stdin");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("\"changed\":false"), again.out());

        String lmsBefore = Files.readString(dir.resolve("lms.yml"));
        Run dry = run("", "settings", "--db-name", db, "--db-user", rt, "--db-password-file", pw.toString(), "--db-host", "127.0.0.1",
                "--db-port", Integer.toString(h.root.port()), "--enable-csmh-extended", "true", "--dry-run");
        assertEquals(0, dry.code(), dry.toString());
        assertTrue(dry.out().contains("+        PASSWORD: ********"), dry.out());
        assertTrue(dry.out().contains("would change"), dry.out());
        assertFalse(dry.out().contains("cli-secret"));
        assertEquals(lmsBefore, Files.readString(dir.resolve("lms.yml")));

        String request = "{\"database\": {\"name\": \"" + db + "\", \"user\": \"" + rt + "\", \"password\": \"cli-secret\", "
                + "\"host\": \"127.0.0.1\", \"port\": " + h.root.port() + "}, \"enableCsmhExtended\": \"FLAG_TRUE\"}";
        Run applied = run(request, "--json", "settings", "--request", "-");
        assertEquals(0, applied.code(), applied.toString());
        assertTrue(applied.out().contains("\"EDXAPP_ENABLE_CSMH_EXTENDED\":\"true\""), applied.out());
        assertTrue(Files.readString(dir.resolve("lms.yml")).contains("    student_module_history:\n"));

        Run status = run("", "--json", "status");
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.out().contains("\"id\":\"user_grants\""), status.out());
        assertEquals(1, status.out().lines().count(), "one document per line");
        Run human = run("", "status", "--require-complete");
        assertEquals(6, human.code(), human.toString());
        assertTrue(human.out().contains("[ok]      database " + db + " exists"), human.out());
    }

    @Test
    void badInputGivesExitCodesAndMessages() {
        Run badName = run("pw", "provision", "--database", "x;drop", "--runtime-user", "rt", "--runtime-password-stdin");
        assertEquals(2, badName.code(), badName.toString());
        assertTrue(badName.err().contains("invalid database name 'x;drop'"), badName.err());

        Run noPassword = run("", "provision", "--runtime-user", "rt", "--database", "csmh_never");
        assertEquals(2, noPassword.code());
        assertTrue(noPassword.err().contains("runtime password for 'rt' is required"), noPassword.err());

        Run jsonError = run("", "--json", "settings", "--enable-csmh-extended", "maybe");
        assertEquals(2, jsonError.code());
        assertTrue(jsonError.out().startsWith("{\"error\": {\"code\": \"INVALID_ARGUMENT\""), jsonError.out());

        Run badJson = run("{not json", "settings", "--request", "-");
        assertEquals(2, badJson.code());

        Run unknownOption = run("", "provision", "--runtime-password", "on-argv");
        assertEquals(2, unknownOption.code(), "there is no option that takes a password on the command line");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Csmhctl.run(new String[] {"--agent", "127.0.0.1:1", "--timeout", "5", "status"}, new PrintStream(out), new PrintStream(err),
                new ByteArrayInputStream(new byte[0]));
        assertEquals(3, code);
        assertTrue(err.toString().contains("cannot reach the agent at 127.0.0.1:1"), err.toString());
    }

    static Run runWithoutAgentPrefix(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Csmhctl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandTakesHelpAndTheGlobalOptionsAnywhere() {
        picocli.CommandLine cl = Csmhctl.commandLine(new Csmhctl(), new String[0]);
        assertTrue(cl.getSubcommands().size() >= 17, cl.getSubcommands().keySet().toString());
        for (String name : cl.getSubcommands().keySet()) {
            Run help = runWithoutAgentPrefix(name, "--help");
            assertEquals(0, help.code(), name + ": " + help);
            assertTrue(help.out().startsWith("Usage: csmhctl " + name), name + ": " + help.out());
            assertTrue(help.out().contains("--json"), name + " lists the global options: " + help.out());
        }
        // Global options after the command, in any order, as git and kubectl take them.
        Run after = runWithoutAgentPrefix("status", "--json", "--agent", h.address());
        assertEquals(0, after.code(), after.toString());
        assertTrue(after.out().startsWith("{") && after.out().contains("\"steps\""), after.out());
        Run mixed = runWithoutAgentPrefix("--timeout", "30", "job", "no-such-job", "--agent", h.address(), "--json");
        assertEquals(4, mixed.code(), mixed.toString());
        assertTrue(mixed.out().startsWith("{\"error\": {\"code\": \"NOT_FOUND\""), mixed.out());
        Run unreachable = runWithoutAgentPrefix("copy", "--detach", "--agent", "127.0.0.1:1", "--timeout", "5", "--json");
        assertEquals(3, unreachable.code(), unreachable.toString());
        assertTrue(unreachable.out().startsWith("{\"error\": {\"code\": \"UNAVAILABLE\""), unreachable.out());
    }

    @Test
    void refusedStepIsExitFour() throws Exception {
        Files.writeString(dir.resolve("broken.yml"), "x");
        Files.copy(dir.resolve("lms.yml"), dir.resolve("lms.keep"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("lms.yml"), "DATABASES: [unclosed\n");
        try {
            Run r = run("", "settings", "--enable-csmh-extended", "true");
            assertEquals(4, r.code(), r.toString());
            assertTrue(r.err().contains("is not valid YAML at line"), r.err());
            assertEquals("DATABASES: [unclosed\n", Files.readString(dir.resolve("lms.yml")));
        } finally {
            Files.copy(dir.resolve("lms.keep"), dir.resolve("lms.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
