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
        assertEquals("unix:/run/csmh-agent/agent.sock", c.listen().target(), "a Unix socket by default: its mode and group decide who calls");
        assertEquals(null, c.listen().group());
        assertEquals(dir.resolve("lms.yml"), c.lmsYml());
        assertEquals("s3cret", c.endpoints().get("admin").password());
        assertEquals(3306, c.endpoints().get("admin").port());
        assertEquals("default", c.endpoints().get("source").lmsAlias());
        assertEquals("student_module_history", c.endpoints().get("target").lmsAlias());
        assertTrue(!c.endpoints().get("admin").toString().contains("s3cret"));
    }

    @Test
    void endpointTlsInCommunityMysqlsWords() throws Exception {
        AgentConfig c = load("endpoints:\n  admin: {user: root, ca_cert: certs/ca.pem, client_cert: /etc/c.pem, client_key: /etc/k.pem}\n"
                + "  replica: {user: monitor, ca_cert: /etc/ca.pem, check_hostname: true}\n  plain: {user: root}\n"
                + "  required: {user: root, ssl_mode: required}\n");
        assertEquals(new org.csmh.agent.mysql.EndpointTls(org.csmh.agent.mysql.EndpointTls.Mode.VERIFY_CA, dir.resolve("certs/ca.pem"),
                Path.of("/etc/c.pem"), Path.of("/etc/k.pem")), c.endpoints().get("admin").tls(), "a CA alone means VERIFY_CA; relative paths are the config's");
        assertEquals(org.csmh.agent.mysql.EndpointTls.Mode.VERIFY_IDENTITY, c.endpoints().get("replica").tls().mode());
        assertEquals(org.csmh.agent.mysql.EndpointTls.DEFAULT, c.endpoints().get("plain").tls());
        assertEquals(org.csmh.agent.mysql.EndpointTls.Mode.REQUIRED, c.endpoints().get("required").tls().mode());
        assertMessage("endpoints:\n  admin: {user: root, client_cert: /etc/c.pem}\n", "endpoints.admin: a client certificate and its key go together");
        assertMessage("endpoints:\n  admin: {user: root, check_hostname: yes please}\n", "endpoints.admin.check_hostname: expected true or false");
        assertMessage("endpoints:\n  admin: {user: root, ssl_mode: verify}\n", "endpoints.admin: unknown ssl_mode 'verify'");
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
        assertMessage("listen: nowhere\n", "listen: expected unix:/path or host:port");
        assertMessage("listen: 127.0.0.1:99999\n", "invalid port '99999'");
        assertMessage("endpoints:\n  admin: {host: h}\n", "endpoints.admin.user is required");
        assertMessage("endpoints:\n  admin: {user: u, password: a, password_file: b}\n", "not both");
        assertMessage("endpoints:\n  admin: {user: u, password_file: /nonexistent/x}\n", "endpoints.admin.password_file: cannot read");
        assertMessage("endpoints:\n  source: {lms_alias: default, host: x}\n", "lms_alias cannot be combined");
        assertMessage("[1, 2\n", "not valid YAML");
    }

    @Test
    void tcpNeedsTlsOrATokenAndTokensHaveNamesAndScopes() throws Exception {
        assertMessage("listen: 127.0.0.1:7443\n", "without tls or auth would let any local process call the agent");
        assertMessage("listen: 0.0.0.0:7443\n", "is not a loopback address; configure tls");
        assertMessage("listen: 127.0.0.1:7443\nsocket_group: ops\n", "socket_group applies to a Unix socket");
        assertMessage("listen: unix:" + "d/".repeat(60) + "agent.sock\n", "longer than the 107 bytes");
        Files.writeString(dir.resolve("op.token"), "operator-token-0123456789\n");
        Files.writeString(dir.resolve("ro.token"), "read-only-token-0123456789\n");
        Files.writeString(dir.resolve("short.token"), "short\n");
        AgentConfig tcp = load("listen: 127.0.0.1:7443\nauth: {token_file: op.token}\n");
        assertEquals("127.0.0.1:7443", tcp.listen().target());
        assertEquals(java.util.List.of("operator"), tcp.security().tokens().stream().map(SecurityConfig.AccessToken::name).toList());
        AgentConfig scoped = load("""
                listen: unix:run/agent.sock
                socket_group: edxapp
                auth:
                  tokens:
                    - {name: ansible, file: op.token, scope: operator}
                    - {name: grafana, file: ro.token, scope: read}
                """);
        assertEquals(dir.resolve("run/agent.sock"), scoped.listen().socket(), "relative to the config file");
        assertEquals("edxapp", scoped.listen().group());
        assertEquals(SecurityConfig.Scope.READ, scoped.security().tokens().get(1).scope());
        assertTrue(!scoped.security().toString().contains("token-0123456789"), scoped.security().toString());
        assertMessage("auth:\n  tokens:\n    - {name: a, file: op.token, scope: admin}\n", "auth.tokens[0].scope: expected read or operator");
        assertMessage("auth:\n  tokens:\n    - {name: a, file: op.token, scope: read}\n    - {name: a, file: ro.token, scope: read}\n",
                "two tokens are named 'a'");
        assertMessage("auth:\n  tokens:\n    - {name: a, file: op.token, scope: read}\n    - {name: b, file: op.token, scope: operator}\n",
                "has the same secret");
        assertMessage("auth:\n  tokens:\n    - {name: a, file: short.token, scope: read}\n", "at least 16 characters");
        assertMessage("auth:\n  tokens:\n    - {name: 'a b', file: op.token, scope: read}\n", "auth.tokens[0].name");
        assertMessage("auth: {}\n", "give token_file or tokens");
    }

    @Test
    void metricsAreOffUnlessConfigured() throws Exception {
        assertEquals(null, load("lms_yml: lms.yml\n").metrics());
        AgentConfig c = load("metrics:\n  listen: 0.0.0.0:9464\n");
        assertEquals("0.0.0.0", c.metrics().host());
        assertEquals(9464, c.metrics().port());
        assertMessage("metrics:\n  listen: nowhere\n", "metrics.listen: expected host:port");
        assertMessage("metrics:\n  port: 9464\n", "unknown key 'port'");
        // The compose demo's config loads as it is.
        Path demo = Path.of(System.getProperty("user.dir")).getParent().resolve("docker/demo/agent.yml");
        String text = Files.readString(demo).replace("/etc/csmh-agent/admin.pass", dir.resolve("admin.pass").toString());
        Files.writeString(dir.resolve("admin.pass"), "x\n");
        AgentConfig compose = load(text);
        assertEquals("unix:/run/csmh-agent/agent.sock", compose.listen().target());
        assertEquals(9464, compose.metrics().port());
    }

    private void assertMessage(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
