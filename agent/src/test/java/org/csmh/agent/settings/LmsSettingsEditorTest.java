package org.csmh.agent.settings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmsSettingsEditorTest {
    @TempDir
    Path dir;
    Path lms;
    Path cms;
    String original;

    @BeforeEach
    void setUp() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/lms.yml")) {
            original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        lms = dir.resolve("lms.yml");
        cms = dir.resolve("cms.yml");
        Files.writeString(lms, original);
        Files.writeString(cms, original);
        Files.setPosixFilePermissions(lms, PosixFilePermissions.fromString("rw-r-----"));
    }

    private LmsSettingsEditor editor(Path cmsPath) {
        return new LmsSettingsEditor(lms, cmsPath, Clock.fixed(Instant.parse("2026-11-26T01:02:03Z"), ZoneOffset.UTC));
    }

    static SettingsChange.CsmhDatabase db(String password) {
        return SettingsChange.database("edxapp_csmh", "edxapp_csmh001", password, "db.internal", 3306, Map.of(), 0);
    }

    @Test
    void addsDatabaseAndFlagsTouchingOnlyNewLines() throws IOException {
        SettingsResult r = editor(null).apply(new SettingsChange(db("s3cr3t'pw"), true, true, true, false));
        assertTrue(r.changed());
        String now = Files.readString(lms);
        assertOnlyInsertions(original, now);
        assertTrue(now.contains("""
                    student_module_history:
                        CONN_MAX_AGE: 0
                        ENGINE: django.db.backends.mysql
                        HOST: db.internal
                        NAME: edxapp_csmh
                        OPTIONS: {}
                        PASSWORD: s3cr3t'pw
                        PORT: '3306'
                        USER: edxapp_csmh001
                DEFAULT_FEEDBACK_EMAIL""".stripIndent()), now);
        // Sorted among FEATURES keys, as to_nice_yaml would place them.
        assertTrue(now.contains("    ENABLE_CORS_HEADERS: false\n    ENABLE_CSMH_EXTENDED: true\n    ENABLE_DISCUSSION_SERVICE: true\n"), now);
        assertTrue(now.contains("    ENABLE_GRADE_DOWNLOADS: true\n    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true\n"), now);
        Map<String, Object> loaded = editor(null).read(lms);
        Map<?, ?> smh = (Map<?, ?>) ((Map<?, ?>) loaded.get("DATABASES")).get("student_module_history");
        assertEquals("s3cr3t'pw", smh.get("PASSWORD"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(lms)));
        Path backup = Path.of(r.files().get(0).backupPath());
        assertEquals("lms.yml.20261126T010203Z.bak", backup.getFileName().toString());
        assertEquals(original, Files.readString(backup));
        assertEquals("EDXAPP_MYSQL_CSMH_DB_NAME", r.ansibleOverrides().keySet().iterator().next());
        assertEquals("********", r.ansibleOverrides().get("EDXAPP_MYSQL_CSMH_PASSWORD"));
        assertEquals("true", r.ansibleOverrides().get("EDXAPP_ENABLE_CSMH_EXTENDED"));
        assertEquals("3306", r.ansibleOverrides().get("EDXAPP_MYSQL_CSMH_PORT"));
    }

    @Test
    void secondRunIsUnchangedAndWritesNothing() throws IOException {
        editor(null).apply(new SettingsChange(db("pw1"), true, true, true, false));
        String after = Files.readString(lms);
        long backups;
        SettingsResult again = editor(null).apply(new SettingsChange(db("pw1"), true, true, true, false));
        assertFalse(again.changed());
        assertEquals("", again.files().get(0).diff());
        assertEquals("", again.files().get(0).backupPath());
        assertEquals(after, Files.readString(lms));
        try (var s = Files.list(dir)) {
            backups = s.filter(p -> p.getFileName().toString().endsWith(".bak")).count();
        }
        assertEquals(1, backups);
    }

    @Test
    void updatesExistingValuesInPlace() throws IOException {
        editor(null).apply(new SettingsChange(db("pw1"), true, true, true, false));
        String before = Files.readString(lms);
        SettingsResult r = editor(null).apply(new SettingsChange(
                SettingsChange.database("edxapp_csmh", "edxapp_csmh001", "pw2", "db.internal", 3306,
                        Map.of("isolation_level", "read committed"), 0), null, false, true, false));
        String after = Files.readString(lms);
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        List<String> changed = new ArrayList<>();
        // Same lines except PASSWORD, OPTIONS (now a block) and the flag.
        assertEquals(a.size() + 1, b.size());
        for (String line : b) {
            if (!a.contains(line)) {
                changed.add(line.trim());
            }
        }
        assertEquals(List.of("OPTIONS:", "isolation_level: read committed", "PASSWORD: pw2", "ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false"), changed);
        String diff = r.files().get(0).diff();
        assertFalse(diff.contains("pw2"), diff);
        assertFalse(diff.contains("pw1"), diff);
        assertTrue(diff.contains("+        PASSWORD: ********"), diff);
        assertTrue(diff.contains("-    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true"), diff);
    }

    @Test
    void dryRunReturnsMaskedDiffAndWritesNothing() throws IOException {
        SettingsResult r = editor(cms).apply(new SettingsChange(db("topsecret"), true, null, true, true));
        assertTrue(r.changed());
        assertTrue(r.dryRun());
        assertEquals(original, Files.readString(lms));
        assertEquals(original, Files.readString(cms));
        assertEquals(2, r.files().size());
        String diff = r.files().get(0).diff();
        assertTrue(diff.startsWith("--- " + lms + "\n+++ " + lms + "\n@@ "), diff);
        assertTrue(diff.contains("+    student_module_history:"), diff);
        assertFalse(diff.contains("topsecret"), diff);
        assertFalse(diff.contains("default-db-secret"), "context lines with other secrets are masked too: " + diff);
    }

    @Test
    void editsCmsToo() throws IOException {
        SettingsResult r = editor(cms).apply(new SettingsChange(db("pw"), true, null, true, false));
        assertEquals(2, r.files().size());
        assertEquals(Files.readString(lms), Files.readString(cms));
        editor(cms).apply(new SettingsChange(null, false, null, false, false));
        assertTrue(Files.readString(lms).contains("ENABLE_CSMH_EXTENDED: false"));
        assertTrue(Files.readString(cms).contains("ENABLE_CSMH_EXTENDED: true"), "include_cms=false leaves cms.yml");
    }

    @Test
    void emptyFeaturesMappingBecomesABlock() throws IOException {
        Files.writeString(lms, "DATABASES:\n    default:\n        NAME: edxapp\nFEATURES: {}\nZ: 1\n");
        editor(null).apply(new SettingsChange(null, true, true, true, false));
        assertEquals("DATABASES:\n    default:\n        NAME: edxapp\nFEATURES:\n    ENABLE_CSMH_EXTENDED: true\n"
                + "    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true\nZ: 1\n", Files.readString(lms));
    }

    @Test
    void missingFeaturesIsCreatedAndFileWithoutTrailingNewlineStaysValid() throws IOException {
        Files.writeString(lms, "A: 1\nDATABASES:\n  default:\n    NAME: edxapp");
        editor(null).apply(new SettingsChange(db("pw"), true, null, true, false));
        String now = Files.readString(lms);
        assertTrue(now.startsWith("A: 1\nDATABASES:\n  default:\n    NAME: edxapp\n  student_module_history:\n    CONN_MAX_AGE: 0\n"), now);
        assertTrue(now.endsWith("FEATURES:\n  ENABLE_CSMH_EXTENDED: true\n"), now);
    }

    /**
     * Both files change or neither: studio.yml made immutable (chattr +i: even root cannot rename over it), the flag is
     * written to lms.yml first, the rename over studio.yml fails, and lms.yml gets its old content back.
     */
    @Test
    void whenTheSecondFileCannotBeWrittenTheFirstIsPutBack() throws Exception {
        Process lock = new ProcessBuilder("chattr", "+i", cms.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(lock.waitFor() == 0, "chattr +i is not available here");
        try {
            PreconditionException e = assertThrows(PreconditionException.class,
                    () -> editor(cms).apply(new SettingsChange(null, null, false, true, false)));
            assertTrue(e.getMessage().contains(cms.toString()) && e.getMessage().contains("put back as it was"), e.getMessage());
            assertEquals(original, Files.readString(lms), "lms.yml as it was");
            assertEquals(original, Files.readString(cms));
            try (var files = Files.list(dir)) {
                assertEquals(List.of("cms.yml", "lms.yml"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                        "no temp or backup file left behind");
            }
        } finally {
            new ProcessBuilder("chattr", "-i", cms.toString()).start().waitFor();
        }
        assertTrue(editor(cms).apply(new SettingsChange(null, null, false, true, false)).changed(), "and it works once the file is writable");
    }

    /** A password-only change keeps everything else as the file has it; what no entry has is named. */
    @Test
    void whatIsNotGivenIsTakenFromTheExistingEntryThenFromDefault() throws IOException {
        // No student_module_history yet: user, host and port come from DATABASES.default, as the configuration role renders.
        editor(null).apply(new SettingsChange(SettingsChange.database("", "", "only-pw", "", 0, Map.of(), 0), null, null, true, false));
        Map<?, ?> smh = (Map<?, ?>) ((Map<?, ?>) editor(null).read(lms).get("DATABASES")).get("student_module_history");
        Map<?, ?> def = (Map<?, ?>) ((Map<?, ?>) editor(null).read(lms).get("DATABASES")).get("default");
        assertEquals(def.get("USER"), smh.get("USER"));
        assertEquals(def.get("HOST"), smh.get("HOST"));
        assertEquals("edxapp_csmh", smh.get("NAME"));
        assertEquals("only-pw", smh.get("PASSWORD"));
        // Then the entry's own values are kept: only the password moves.
        editor(null).apply(new SettingsChange(db("first"), null, null, true, false));
        String before = Files.readString(lms);
        SettingsResult r = editor(null).apply(new SettingsChange(SettingsChange.database("", "", "second", "", 0, Map.of(), 0),
                null, null, true, false));
        assertTrue(r.changed());
        String after = Files.readString(lms);
        assertEquals(before.replace("PASSWORD: first", "PASSWORD: second"), after, "only the password line changed");
    }

    @Test
    void aValueFoundNowhereIsNamed() throws IOException {
        Files.writeString(lms, "DATABASES:\n    default:\n        ENGINE: django.db.backends.mysql\n        NAME: edxapp\n");
        PreconditionException e = assertThrows(PreconditionException.class, () -> editor(null).apply(
                new SettingsChange(SettingsChange.database("", "", "pw", "", 0, Map.of(), 0), null, null, true, false)));
        assertTrue(e.getMessage().contains("no database user (--db-user) given"), e.getMessage());
    }

    /** YAML anchors and aliases are legal in a hand-edited lms.yml; an alias is a value the agent cannot edit in place. */
    @Test
    void anAliasInDatabasesIsARefusalWithTheReasonNotACrash() throws IOException {
        String text = """
                DATABASES:
                    default:
                        ENGINE: django.db.backends.mysql
                        HOST: localhost
                        NAME: edxapp
                        OPTIONS: &opts
                            isolation_level: read committed
                        PASSWORD: pw
                        PORT: '3306'
                        USER: edxapp001
                    student_module_history:
                        ENGINE: django.db.backends.mysql
                        HOST: localhost
                        NAME: edxapp_csmh
                        OPTIONS: *opts
                        PASSWORD: old
                        PORT: '3306'
                        USER: edxapp_csmh001
                FEATURES:
                    ENABLE_CSMH_EXTENDED: true
                """;
        Files.writeString(lms, text);
        PreconditionException e = assertThrows(PreconditionException.class,
                () -> editor(null).apply(new SettingsChange(SettingsChange.database("edxapp_csmh", "edxapp_csmh001", "new", "db.internal", 3306,
                        Map.of("isolation_level", "read committed", "connect_timeout", "10"), 0), null, null, true, false)));
        assertTrue(e.getMessage().contains("alias"), e.getMessage());
        assertEquals(text, Files.readString(lms), "left as it was");
        // Edits that do not go through the alias still work.
        SettingsResult flag = editor(null).apply(new SettingsChange(null, null, false, true, false));
        assertTrue(flag.changed());
        assertTrue(Files.readString(lms).contains("OPTIONS: *opts"), "the alias is kept");
    }

    @Test
    void malformedYamlIsRefusedAndFileUntouched() throws IOException {
        byte[] bad = "DATABASES:\n    default: {NAME: edxapp\nFEATURES:\n  - x\n".getBytes(StandardCharsets.UTF_8);
        Files.write(lms, bad);
        PreconditionException e = assertThrows(PreconditionException.class,
                () -> editor(null).apply(new SettingsChange(db("pw"), true, null, true, false)));
        assertTrue(e.getMessage().contains("not valid YAML at line"), e.getMessage());
        assertArrayEquals(bad, Files.readAllBytes(lms));
    }

    @Test
    void malformedCmsLeavesLmsUntouchedToo() throws IOException {
        Files.writeString(cms, "FEATURES: [unclosed\n");
        assertThrows(PreconditionException.class, () -> editor(cms).apply(new SettingsChange(db("pw"), true, null, true, false)));
        assertEquals(original, Files.readString(lms));
    }

    @Test
    void missingFileAndMissingDatabasesAreClearErrors() throws IOException {
        Files.delete(lms);
        PreconditionException missing = assertThrows(PreconditionException.class,
                () -> editor(null).apply(new SettingsChange(null, true, null, true, false)));
        assertTrue(missing.getMessage().endsWith("does not exist"), missing.getMessage());
        Files.writeString(lms, "FEATURES: {}\n");
        PreconditionException noDbs = assertThrows(PreconditionException.class,
                () -> editor(null).apply(new SettingsChange(db("pw"), null, null, true, false)));
        assertTrue(noDbs.getMessage().contains("no DATABASES mapping"), noDbs.getMessage());
        assertEquals("FEATURES: {}\n", Files.readString(lms));
    }

    @Test
    void scalarWhereMappingExpectedIsRefused() throws IOException {
        Files.writeString(lms, "DATABASES:\n    default:\n        NAME: x\nFEATURES: on\n");
        assertThrows(PreconditionException.class, () -> editor(null).apply(new SettingsChange(null, true, null, true, false)));
        assertEquals("DATABASES:\n    default:\n        NAME: x\nFEATURES: on\n", Files.readString(lms));
    }

    @Test
    void badInputIsRejectedBeforeAnyFileIsRead() {
        assertThrows(InvalidInputException.class, () -> new SettingsChange(null, null, null, true, false));
        assertThrows(InvalidInputException.class, () -> SettingsChange.database("edxapp_csmh", "u; DROP", "pw", "h", 3306, Map.of(), 0));
        assertThrows(InvalidInputException.class, () -> SettingsChange.database("edxapp_csmh", "u", "pw\u0000", "h", 3306, Map.of(), 0));
        assertThrows(InvalidInputException.class, () -> SettingsChange.database("edxapp_csmh", "u", "pw", "h\nx", 3306, Map.of(), 0));
        assertThrows(InvalidInputException.class, () -> SettingsChange.database("edxapp_csmh", "u", "pw", "h", 70000, Map.of(), 0));
        assertThrows(InvalidInputException.class, () -> SettingsChange.database("e`x", "u", "pw", "h", 3306, Map.of(), 0));
        assertThrows(InvalidInputException.class, () -> SettingsChange.database("edxapp_csmh", "u", "pw", "h", 3306, Map.of("bad key", "v"), 0));
    }

    /** TLS options as mysqlclient reads them, checked when given: what the LMS could not use is refused, naming why. */
    @Test
    void tlsOptionsAreNestedAsDjangoTakesThemAndCheckedWhenGiven() {
        Map<String, Object> opts = SettingsChange.database("", "", "", "", 0, Map.of("ssl.ca", "/etc/ssl/ca.pem", "ssl_mode", "VERIFY_IDENTITY"), 0)
                .options();
        assertEquals(Map.of("ssl", Map.of("ca", "/etc/ssl/ca.pem"), "ssl_mode", "VERIFY_IDENTITY"), opts);
        for (String[] bad : new String[][] {{"ssl.capath", "/etc/ssl/certs", "invalid OPTIONS key 'ssl.capath' (ssl.ca, ssl.cert and ssl.key are the nested ones)"},
                {"ssl.ca", "ca.pem", "OPTIONS.ssl.ca: expected an absolute path"},
                {"ssl.cert", "/etc/ssl/c.pem", "a client certificate and its key go together"},
                {"ssl_mode", "SOMETIMES", "unknown ssl_mode 'SOMETIMES'"}}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> SettingsChange.database("", "", "", "", 0, Map.of(bad[0], bad[1]), 0));
            assertTrue(e.getMessage().contains(bad[2]), e.getMessage());
        }
    }

    /** Every original line is still there, in order; the new text only adds lines. */
    private static void assertOnlyInsertions(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        int j = 0;
        for (String line : a) {
            while (j < b.size() && !b.get(j).equals(line)) {
                j++;
            }
            assertTrue(j < b.size(), "line lost or changed: " + line);
            j++;
        }
    }
}
