package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.Agent;
import org.csmh.agent.config.AgentConfigLoader;
import org.csmh.agent.testing.Fixtures;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.client.ClientSecurity;
import org.csmh.client.CsmhClient;
import org.csmh.client.cli.Csmhctl;
import org.csmh.proto.v1.GetStatusRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS and a bearer token on a real agent: the right credentials pass, every wrong one is refused. */
class SecurityIT {
    @TempDir
    static Path dir;
    static Agent agent;
    static String address;
    static org.csmh.agent.testing.LogCapture audit;
    static final String TOKEN = "s3cret-token-0123456789";
    static final String READ_TOKEN = "dashboard-token-0123456789";

    static void ca(String name) throws Exception {
        org.csmh.agent.testing.Openssl.ca(dir, name);
    }

    static void signed(String name, String ca, String san) throws Exception {
        org.csmh.agent.testing.Openssl.signed(dir, name, ca, san);
    }

    @BeforeAll
    static void start() throws Exception {
        org.csmh.agent.testing.Openssl.assumeAvailable();
        ca("ca");
        ca("rogue-ca");
        signed("server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        signed("client", "ca", "extendedKeyUsage=clientAuth\n");
        signed("rogue", "rogue-ca", "extendedKeyUsage=clientAuth\n");
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("dashboard.token"), READ_TOKEN + "\n");
        Path config = Fixtures.agentConfig(dir, TestDatabases.root(), "edxapp_sec");
        Files.writeString(config, Files.readString(config).replace("listen: unix:agent.sock", "listen: 127.0.0.1:0") + """
                tls:
                  cert: server.crt
                  key: server.key
                  client_ca: ca.crt
                auth:
                  tokens:
                    - {name: ops, file: token, scope: operator}
                    - {name: grafana, file: dashboard.token, scope: read}
                """);
        agent = new Agent(AgentConfigLoader.load(config)).start();
        audit = org.csmh.agent.testing.LogCapture.of("org.csmh.agent.audit");
        address = "localhost:" + agent.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (audit != null) {
            audit.close();
        }
        if (agent != null) {
            agent.stop();
        }
    }

    static Status.Code call(ClientSecurity security) throws Exception {
        try (CsmhClient c = CsmhClient.connect(address, 10_000, security)) {
            c.status(GetStatusRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void aReadOnlyTokenReadsButChangesNothingAndEveryChangeIsAudited() throws Exception {
        ClientSecurity readOnly = new ClientSecurity(true, dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"), READ_TOKEN);
        ClientSecurity operator = new ClientSecurity(true, dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"), TOKEN);
        String lms = Files.readString(dir.resolve("lms.yml"));
        org.csmh.proto.v1.ProvisionDatabaseRequest provision = org.csmh.proto.v1.ProvisionDatabaseRequest.newBuilder().setDatabase("csmh_never")
                .addUsers(org.csmh.proto.v1.DatabaseUser.newBuilder().setName("rt_never").setPassword("audit-secret-pw").setPriv("csmh_never.*:SELECT")).setDryRun(true).build();
        try (CsmhClient c = CsmhClient.connect(address, 10_000, readOnly)) {
            c.status(GetStatusRequest.getDefaultInstance());
            c.listJobs();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.provision(provision));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("token 'grafana' is read-only") && e.getStatus().getDescription()
                    .contains("ProvisionDatabase needs an operator token"), e.getStatus().getDescription());
            StatusRuntimeException settings = assertThrows(StatusRuntimeException.class, () -> c.updateSettings(
                    org.csmh.proto.v1.UpdateSettingsRequest.newBuilder().setEnableCsmhExtended(org.csmh.proto.v1.Flag.FLAG_TRUE).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, settings.getStatus().getCode());
        }
        assertEquals(lms, Files.readString(dir.resolve("lms.yml")), "the read-only token changed nothing");
        assertTrue(audit.messages().stream().noneMatch(l -> l.contains("token=grafana")), "refused before the call: " + audit.messages());
        try (CsmhClient c = CsmhClient.connect(address, 10_000, operator)) {
            c.provision(provision);
        }
        assertTrue(audit.messages().stream().anyMatch(l -> l.startsWith("event=audit phase=end rpc=ProvisionDatabase token=ops subject=\"CN=client")
                && l.contains("peer=/127.0.0.1:") && l.contains("status=OK")), audit.messages().toString());
        assertTrue(audit.messages().stream().noneMatch(l -> l.contains("audit-secret-pw") || l.contains("rpc=GetStatus")), audit.messages().toString());
    }

    @Test
    void rightCertificateAndTokenPass() throws Exception {
        assertEquals(Status.Code.OK, call(new ClientSecurity(true, dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"), TOKEN)));
    }

    @Test
    void missingOrWrongTokenIsRefused() throws Exception {
        assertEquals(Status.Code.UNAUTHENTICATED,
                call(new ClientSecurity(true, dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"), null)));
        assertEquals(Status.Code.PERMISSION_DENIED,
                call(new ClientSecurity(true, dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"), "wrong-token-0123456789")));
    }

    @Test
    void wrongOrMissingCertificateAndPlainTextAreRefused() throws Exception {
        assertEquals(Status.Code.PERMISSION_DENIED,
                call(new ClientSecurity(true, dir.resolve("ca.crt"), dir.resolve("rogue.crt"), dir.resolve("rogue.key"), TOKEN)));
        assertEquals(Status.Code.UNAUTHENTICATED, call(new ClientSecurity(true, dir.resolve("ca.crt"), null, null, TOKEN)));
        // Plain text never gets through the TLS listener: the connection fails.
        assertNotEquals(Status.Code.OK, call(new ClientSecurity(false, null, null, null, TOKEN)));
        // A client that does not trust the agent's CA refuses the agent.
        assertNotEquals(Status.Code.OK, call(new ClientSecurity(true, dir.resolve("rogue-ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"), TOKEN)));
    }

    @Test
    void csmhctlTakesTlsFilesAndTokenFileNeverTheTokenItself() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] base = {"--agent", address, "--tls-ca", dir.resolve("ca.crt").toString(), "--tls-cert", dir.resolve("client.crt").toString(),
                "--tls-key", dir.resolve("client.key").toString()};
        int ok = Csmhctl.run(concat(base, "--token-file", dir.resolve("token").toString(), "--json", "status"), new PrintStream(out), new PrintStream(err),
                new ByteArrayInputStream(new byte[0]), false);
        assertEquals(0, ok, err.toString());
        int denied = Csmhctl.run(concat(base, "status"), new PrintStream(out), new PrintStream(err), new ByteArrayInputStream(new byte[0]), false);
        assertEquals(5, denied);
        assertTrue(err.toString().contains("missing bearer token"), err.toString());
    }

    @Test
    void plainTextOffLoopbackIsRefusedAtStart() throws Exception {
        Path cfg = dir.resolve("open.yml");
        Files.writeString(cfg, "listen: 0.0.0.0:0\nstate_dir: open-state\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "org.csmh.agent.AgentMain", "--config", cfg.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("is not a loopback address; configure tls"), out);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
