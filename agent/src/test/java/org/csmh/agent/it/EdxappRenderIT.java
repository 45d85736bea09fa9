package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.settings.SettingsChange;
import org.csmh.agent.settings.SettingsResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * What the agent writes to lms.yml is what the next edxapp deploy renders from the overrides it returns: Debian's
 * ansible renders lms.yml with the edxapp role's template logic (to_nice_yaml over its DATABASES defaults,
 * render_lms.yml), the agent edits it, the returned overrides go back in as an operator's vars file, and the
 * re-rendered file must equal the edited one, byte for byte. Values that used to break this: quotes in an option,
 * integer options, booleans returned as 'false', OPTIONS and CONN_MAX_AGE dropped when not given.
 */
class EdxappRenderIT {
    private static final String PASSWORD = "p\"w'x: #1";
    @TempDir
    Path dir;
    Path lms;

    @BeforeEach
    void render() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ansible-playbook")), "ansible not installed (scripts/setup.sh installs it)");
        lms = dir.resolve("lms.yml");
        ansible(lms);
    }

    @Test
    void theNextDeployRendersWhatTheAgentWrote() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("init_command", "SET sql_mode=\"STRICT_TRANS_TABLES\"");
        options.put("connect_timeout", "10");
        options.put("isolation_level", "read committed");
        SettingsResult r = editor().apply(new SettingsChange(SettingsChange.database("edxapp_csmh2", "csmh001", PASSWORD, "db2.internal",
                3307, options, null), true, false, false, false));
        assertTrue(r.changed());
        assertEquals("{\"connect_timeout\": 10, \"init_command\": \"SET sql_mode=\\\"STRICT_TRANS_TABLES\\\"\", \"isolation_level\": \"read committed\"}",
                r.ansibleOverridesJson().get("EDXAPP_MYSQL_CSMH_OPTIONS"));
        assertEquals("false", r.ansibleOverridesJson().get("EDXAPP_ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"));
        assertEquals(List.of(), r.nextDeployChanges());
        Map<?, ?> written = databases(lms).get("student_module_history") instanceof Map<?, ?> m ? m : Map.of();
        assertEquals(10, ((Map<?, ?>) written.get("OPTIONS")).get("connect_timeout"), "an integer, as MySQLdb needs it");
        assertEquals(0, written.get("CONN_MAX_AGE"), "kept from the entry");
        assertRerenderedEquals(r);
    }

    @Test
    void aPasswordOnlyChangeKeepsOptionsAndConnMaxAge() throws Exception {
        SettingsResult r = editor().apply(new SettingsChange(SettingsChange.database("", "", PASSWORD, "", 0, Map.of(), null),
                null, null, false, false));
        Map<?, ?> written = (Map<?, ?>) databases(lms).get("student_module_history");
        assertEquals(Map.of("isolation_level", "read committed"), written.get("OPTIONS"), "the role's default OPTIONS stay");
        assertRerenderedEquals(r);
    }

    @Test
    void aConnMaxAgeOfItsOwnIsNamedAsWhatTheNextDeployChanges() throws Exception {
        SettingsResult r = editor().apply(new SettingsChange(SettingsChange.database("", "", "", "", 0, Map.of(), 60), null, null, false, false));
        assertEquals(1, r.nextDeployChanges().size(), r.nextDeployChanges().toString());
        assertTrue(r.nextDeployChanges().get(0).startsWith("DATABASES.student_module_history.CONN_MAX_AGE 60 -> 0"), r.nextDeployChanges().get(0));
        Path again = dir.resolve("again.yml");
        ansible(again, overrides(r));
        Map<?, ?> rendered = (Map<?, ?>) databases(again).get("student_module_history");
        assertEquals(0, rendered.get("CONN_MAX_AGE"), "as the response said");
    }

    /**
     * A site whose databases want TLS (EDXAPP_MYSQL_OPTIONS with ssl.ca, which the role also gives
     * student_module_history): the agent keeps the nested mapping through its edit, reads it as Django does (VERIFY_CA
     * against that CA), and the next deploy renders the same file from the site's vars and the overrides.
     */
    @Test
    void tlsOptionsTheRoleRendersSurviveTheEditAndTheNextDeploy() throws Exception {
        Path site = dir.resolve("site.json");
        Files.writeString(site, "{\"EDXAPP_MYSQL_OPTIONS\": {\"isolation_level\": \"read committed\", \"ssl\": {\"ca\": \"/etc/ssl/rds-ca.pem\"}}}");
        ansible(lms, site);
        SettingsResult r = editor().apply(new SettingsChange(SettingsChange.database("", "", PASSWORD, "", 0, Map.of(), null),
                null, null, false, false));
        Map<?, ?> options = (Map<?, ?>) ((Map<?, ?>) databases(lms).get("student_module_history")).get("OPTIONS");
        assertEquals(Map.of("ca", "/etc/ssl/rds-ca.pem"), options.get("ssl"));
        assertEquals(new org.csmh.agent.mysql.EndpointTls(org.csmh.agent.mysql.EndpointTls.Mode.VERIFY_CA, Path.of("/etc/ssl/rds-ca.pem"), null, null),
                org.csmh.agent.mysql.EndpointTls.fromDjangoOptions(options));
        Path again = dir.resolve("again.yml");
        ansible(again, site, overrides(r));
        assertEquals(Files.readString(lms).strip(), Files.readString(again).strip(), "re-rendered from the site's vars and the overrides");
    }

    /**
     * The new database on a server of its own that wants TLS with its own CA (the separate-servers case): given as
     * ssl.ca through UpdateSettings, written as mysqlclient's nested mapping, returned as the same mapping in
     * EDXAPP_MYSQL_CSMH_OPTIONS, and rendered back byte for byte by the next deploy.
     */
    @Test
    void aCaOfItsOwnForTheNewDatabaseRendersBackFromTheOverrides() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("isolation_level", "read committed");
        options.put("ssl.ca", "/etc/ssl/csmh-ca.pem");
        SettingsResult r = editor().apply(new SettingsChange(SettingsChange.database("", "", PASSWORD, "csmh-db.internal", 0, options, null),
                null, null, false, false));
        assertEquals("{\"isolation_level\": \"read committed\", \"ssl\": {\"ca\": \"/etc/ssl/csmh-ca.pem\"}}",
                r.ansibleOverridesJson().get("EDXAPP_MYSQL_CSMH_OPTIONS"));
        Map<?, ?> written = (Map<?, ?>) databases(lms).get("student_module_history");
        assertEquals(Map.of("ca", "/etc/ssl/csmh-ca.pem"), ((Map<?, ?>) written.get("OPTIONS")).get("ssl"));
        assertRerenderedEquals(r);
    }

    /**
     * A flag at the top level of lms.yml can only come from EDXAPP_LMS_ENV_EXTRA, which the role's template applies
     * over everything: the edit sets both places, the response names that variable, and the role's own rendering
     * shows why (the overrides alone put the old value back; with the variable changed as told, the file comes back
     * as the agent wrote it).
     */
    @Test
    void aTopLevelFlagFromLmsEnvExtraIsNamedAsWhatTheNextDeployPutsBack() throws Exception {
        Path site = dir.resolve("site.json");
        Files.writeString(site, "{\"EDXAPP_LMS_ENV_EXTRA\": {\"ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES\": true}}");
        ansible(lms, site);
        SettingsResult r = editor().apply(new SettingsChange(SettingsChange.database("", "", PASSWORD, "", 0, Map.of(), null), null, false, false, false));
        Map<?, ?> doc = new Yaml().load(Files.readString(lms));
        assertEquals(false, doc.get("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"));
        assertEquals(false, ((Map<?, ?>) doc.get("FEATURES")).get("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"));
        assertEquals(1, r.nextDeployChanges().size(), r.nextDeployChanges().toString());
        assertTrue(r.nextDeployChanges().get(0).startsWith("lms.yml sets ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false at the top level")
                && r.nextDeployChanges().get(0).endsWith("set ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false in EDXAPP_LMS_ENV_EXTRA"),
                r.nextDeployChanges().get(0));
        Path again = dir.resolve("again.yml");
        ansible(again, site, overrides(r));
        assertEquals(true, ((Map<?, ?>) new Yaml().load(Files.readString(again))).get("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"),
                "the overrides alone: the variable's old value comes back");
        Path fixed = dir.resolve("site-fixed.json");
        Files.writeString(fixed, "{\"EDXAPP_LMS_ENV_EXTRA\": {\"ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES\": false}}");
        ansible(again, fixed, overrides(r));
        assertEquals(Files.readString(lms).strip(), Files.readString(again).strip(), "with the variable changed as the response said");
    }

    private LmsSettingsEditor editor() {
        return new LmsSettingsEditor(lms, null, Clock.systemUTC());
    }

    private void assertRerenderedEquals(SettingsResult r) throws Exception {
        Path again = dir.resolve("again.yml");
        ansible(again, overrides(r));
        assertEquals(Files.readString(lms).strip(), Files.readString(again).strip(), "re-rendered from the overrides");
    }

    /** The returned overrides as the operator's vars file: JSON values as they are, the masked password filled in. */
    private Path overrides(SettingsResult r) throws Exception {
        StringBuilder vars = new StringBuilder("{");
        String sep = "";
        for (Map.Entry<String, String> e : r.ansibleOverridesJson().entrySet()) {
            String value = e.getKey().equals("EDXAPP_MYSQL_CSMH_PASSWORD")
                    ? "\"" + PASSWORD.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : e.getValue();
            vars.append(sep).append('"').append(e.getKey()).append("\": ").append(value);
            sep = ", ";
        }
        Path file = dir.resolve("overrides.json");
        Files.writeString(file, vars.append('}').toString());
        return file;
    }

    private static Map<?, ?> databases(Path file) throws Exception {
        Map<?, ?> doc = new Yaml().load(Files.readString(file));
        return (Map<?, ?>) doc.get("DATABASES");
    }

    private void ansible(Path out, Path... extraVars) throws Exception {
        Path playbook = dir.resolve("render_lms.yml");
        if (!Files.exists(playbook)) {
            try (var in = getClass().getResourceAsStream("/ansible/render_lms.yml")) {
                Files.copy(in, playbook);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/ansible-playbook", playbook.toString(), "-e", "out=" + out));
        for (Path vars : extraVars) {
            if (vars != null) {
                cmd.addAll(List.of("-e", "@" + vars));
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("ANSIBLE_LOCALHOST_WARNING", "false");
        pb.environment().put("ANSIBLE_INVENTORY_UNPARSED_WARNING", "false");
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ansible-playbook did not finish");
        assertEquals(0, p.exitValue(), text);
    }
}
