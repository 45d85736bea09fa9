package org.csmh.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {
    @TempDir
    Path dir;

    AgentConfig load(String yaml) throws Exception {
        Path f = dir.resolve("agent.yml");
        Files.writeString(f, yaml);
        return AgentConfigLoader.load(f);
    }

    @Test
    void defaultsAndRelativePaths() throws Exception {
        Files.writeString(dir.resolve("admin.pass"), "s3cret\n");
        AgentConfig c = load("lms_yml: lms.yml\nendpoints:\n  admin: {user: root, password_file: admin.pass}\n");
        assertEquals("127.0.0.1:7443", c.listenAddress());
        assertEquals(dir.resolve("lms.yml"), c.lmsYml());
        assertEquals("s3cret", c.endpoints().get("admin").password());
        assertEquals(3306, c.endpoints().get("admin").port());
        assertEquals("default", c.endpoints().get("source").lmsAlias());
        assertEquals("student_module_history", c.endpoints().get("target").lmsAlias());
        assertTrue(!c.endpoints().get("admin").toString().contains("s3cret"));
    }

    @Test
    void migrationCommandsSeeTheSettingsFilesTheAgentEdits() throws Exception {
        AgentConfig c = load("lms_yml: /edx/etc/lms.yml\ncms_yml: /edx/etc/studio.yml\n");
        assertEquals(java.util.Map.of("LMS_CFG", "/edx/etc/lms.yml", "CMS_CFG", "/edx/etc/studio.yml", "STUDIO_CFG", "/edx/etc/studio.yml"),
                c.migrations().env(), "current edx-platform reads CMS_CFG, older releases and the configuration repository STUDIO_CFG");
        assertEquals("/edx/etc/studio.yml", org.csmh.agent.migrate.MigrationConfig.defaults().env().get("STUDIO_CFG"));
        AgentConfig own = load("lms_yml: /x/lms.yml\ncms_yml: /x/studio.yml\nmigrations:\n  env: {LMS_CFG: /y/lms.yml}\n");
        assertEquals("/y/lms.yml", own.migrations().env().get("LMS_CFG"), "configured values win");
        assertEquals("/x/studio.yml", own.migrations().env().get("STUDIO_CFG"));
    }

    @Test
    void mistakesNameTheKey() {
        assertMessage("lms_ymll: x\n", "unknown key 'lms_ymll'");
        assertMessage("listen: nowhere\n", "listen: expected host:port");
        assertMessage("listen: 127.0.0.1:99999\n", "invalid port '99999'");
        assertMessage("endpoints:\n  admin: {host: h}\n", "endpoints.admin.user is required");
        assertMessage("endpoints:\n  admin: {user: u, password: a, password_file: b}\n", "not both");
        assertMessage("endpoints:\n  admin: {user: u, password_file: /nonexistent/x}\n", "endpoints.admin.password_file: cannot read");
        assertMessage("endpoints:\n  source: {lms_alias: default, host: x}\n", "lms_alias cannot be combined");
        assertMessage("[1, 2\n", "not valid YAML");
    }

    private void assertMessage(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
