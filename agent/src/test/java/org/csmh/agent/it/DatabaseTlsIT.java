package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.EndpointTls;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.Openssl;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Login;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * TLS to the databases as Django connects: an lms.yml entry's OPTIONS (ssl: {ca, cert, key}, ssl_mode) are what the
 * agent's connections verify, as mysqlclient does for the LMS. Real servers: MySQL 8.0 with the certificates it makes
 * itself (a CA, a server certificate that names no host, a client certificate), and MariaDB 10.11 started with a
 * CA and a server certificate made here for 127.0.0.1.
 */
class DatabaseTlsIT {
    @TempDir
    static Path certs;
    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        Openssl.assumeAvailable();
        Openssl.ca(certs, "ca");
        Openssl.ca(certs, "rogue-ca");
        Openssl.signed(certs, "server", "ca", "subjectAltName=IP:127.0.0.1\n");
    }

    private static DatabaseSandbox mysql() {
        return TestDatabases.server(SandboxEngine.MYSQL_8_0, "first");
    }

    /** A file MySQL 8 made in its data directory at first start (auto_generate_certs). */
    private static Path mysqlMade(String name) {
        return mysql().dir().resolve("data").resolve(name);
    }

    private static StartCopyRequest copy() {
        return StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(0)).build();
    }

    @Test
    void aCopyIntoMysql8VerifiesTheServerAsLmsYmlOptionsSayAndRefusesOneItCannotVerify() throws Exception {
        Path ca = mysqlMade("ca.pem");
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), mysql().rootEndpoint(), 3_000).startInProcess()) {
            h.configureTarget();
            Check plain = h.check("target_server");
            assertEquals("PREFERRED", plain.getFieldsMap().get("ssl_mode"));
            assertEquals("false", plain.getFieldsMap().get("tls_verified"), "encrypted, but nothing checked who the server is");
            assertTrue(plain.getFieldsMap().get("tls").startsWith("TLSv1"), "MySQL 8 offers TLS and PREFERRED takes it: " + plain);

            setOptions(Map.of("ssl", Map.of("ca", ca.toString())));
            Check verified = h.check("target_server");
            assertEquals("VERIFY_CA", verified.getFieldsMap().get("ssl_mode"), verified.toString());
            assertEquals("true", verified.getFieldsMap().get("tls_verified"), verified.toString());
            assertTrue(verified.getFieldsMap().get("tls").startsWith("TLSv1"), verified.toString());
            assertTrue(verified.getDetail().contains("the server's certificate verified (ssl_mode VERIFY_CA, CA " + ca + ")"), verified.getDetail());
            Job job = h.client.startCopy(copy());
            assertEquals(3_000, h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000).getRowsDone());
            CopyFaultIT.assertVerified(h, 3_000);
            int jobs = h.client.listJobs().getJobsCount();

            // A CA that did not sign the server's certificate (a server swapped in between): no connection, no job.
            Path rogue = certs.resolve("rogue-ca.crt");
            setOptions(Map.of("ssl", Map.of("ca", rogue.toString())));
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode(), refused.toString());
            assertTrue(refused.getStatus().getDescription().contains("failed: TLS: "), refused.getStatus().getDescription());
            assertTrue(refused.getStatus().getDescription().contains("(ssl_mode VERIFY_CA, CA " + rogue + ")"), refused.getStatus().getDescription());
            Check unverified = h.check("database_exists");
            assertEquals(CheckState.CHECK_STATE_FAILED, unverified.getState(), unverified.toString());
            assertTrue(unverified.getDetail().contains("failed: TLS: "), unverified.getDetail());

            // The right CA, the host checked too: MySQL's own certificate names no host, so it is refused as well.
            setOptions(Map.of("ssl_mode", "VERIFY_IDENTITY", "ssl", Map.of("ca", ca.toString())));
            refused = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy()));
            assertTrue(refused.getStatus().getDescription().contains("failed: TLS: "), refused.getStatus().getDescription());
            assertTrue(refused.getStatus().getDescription().contains("ssl_mode VERIFY_IDENTITY"), refused.getStatus().getDescription());

            // A setting the agent cannot honour is named, not weakened.
            setOptions(Map.of("ssl", Map.of("capath", "/etc/ssl/certs")));
            refused = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("lms.yml DATABASES.student_module_history: OPTIONS.ssl key 'capath' is not"
                    + " supported by the agent"), refused.getStatus().getDescription());
            assertEquals(jobs, h.client.listJobs().getJobsCount(), "no job for a refused copy");
        }
    }

    /** An account that REQUIRE X509 logs in with the client certificate MySQL made (its key in PKCS#1, as MySQL writes it). */
    @Test
    void aClientCertificateLogsInAnAccountThatRequiresOne() throws Exception {
        Endpoint root = mysql().rootEndpoint();
        TestDatabases.execute(root, "CREATE USER IF NOT EXISTS 'x509_admin'@'%' IDENTIFIED BY 'x509-pw' REQUIRE X509",
                "GRANT ALL PRIVILEGES ON *.* TO 'x509_admin'@'%' WITH GRANT OPTION");
        ConnectionFactory connections = new ConnectionFactory(5000);
        EndpointTls withCert = EndpointTls.of(null, mysqlMade("ca.pem"), mysqlMade("client-cert.pem"), mysqlMade("client-key.pem"), null);
        try (Connection c = connections.open(new Endpoint("admin", root.host(), root.port(), "x509_admin", "x509-pw", null, withCert))) {
            assertTrue(new Inspector(c).connectionTls().orElseThrow().startsWith("TLSv1"));
        }
        DatabaseAccessException denied = assertThrows(DatabaseAccessException.class, () -> connections.open(
                new Endpoint("admin", root.host(), root.port(), "x509_admin", "x509-pw", null, EndpointTls.of(null, mysqlMade("ca.pem"), null, null, null))));
        assertEquals(SqlErrors.Kind.ACCESS_DENIED, denied.kind(), denied.getMessage());

        // The same login as csmh_database's login_* with ca_cert, client_cert and client_key (community.mysql's names)
        try (AgentHarness h = new AgentHarness(dir)) {
            Login.Builder login = Login.newBuilder().setHost(root.host()).setPort(root.port()).setUser("x509_admin").setPassword("x509-pw")
                    .setCaCert(mysqlMade("ca.pem").toString());
            String db = AgentHarness.unique("csmh_x509");
            ProvisionDatabaseResponse plan = h.client.provision(ProvisionIT.request(db, AgentHarness.unique("rt"), AgentHarness.unique("mg"), "pw-1")
                    .setLogin(login.clone().setClientCert(mysqlMade("client-cert.pem").toString()).setClientKey(mysqlMade("client-key.pem").toString()))
                    .setDryRun(true).build());
            assertTrue(plan.getStatementsList().stream().anyMatch(st -> st.startsWith("CREATE DATABASE")), plan.toString());
            StatusRuntimeException noCert = assertThrows(StatusRuntimeException.class, () -> h.client.provision(ProvisionIT.request(db,
                    "rt", "mg", "pw-1").setLogin(login).setDryRun(true).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, noCert.getStatus().getCode(), noCert.toString());
            StatusRuntimeException relative = assertThrows(StatusRuntimeException.class, () -> h.client.provision(ProvisionIT.request(db,
                    "rt", "mg", "pw-1").setLogin(login.clone().setCaCert("ca.pem")).setDryRun(true).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, relative.getStatus().getCode());
            assertTrue(relative.getStatus().getDescription().contains("login ca_cert: expected an absolute path on the agent's host"),
                    relative.getStatus().getDescription());
            StatusRuntimeException withEndpoint = assertThrows(StatusRuntimeException.class, () -> h.client.provision(ProvisionIT.request(db,
                    "rt", "mg", "pw-1").setLogin(Login.newBuilder().setEndpoint("admin").setCaCert("/etc/ca.pem")).setDryRun(true).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, withEndpoint.getStatus().getCode());
            assertEquals(0L, TestDatabases.queryLong(root, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db + "'"),
                    "a dry run changes nothing");
        }
    }

    /**
     * MariaDB with a certificate for 127.0.0.1 signed by our CA: VERIFY_IDENTITY passes. The shared MariaDB sandbox
     * offers no TLS: PREFERRED connects unencrypted and says so, REQUIRED fails at once and for good (no retry meets
     * a different server).
     */
    @Test
    void mariaDbWithItsOwnCertificateAndWithoutTls() throws Exception {
        DatabaseSandbox tls = TestDatabases.server(SandboxEngine.MARIADB_10_11, "tls", "--ssl-ca=" + certs.resolve("ca.crt"),
                "--ssl-cert=" + certs.resolve("server.crt"), "--ssl-key=" + certs.resolve("server.key"));
        ConnectionFactory connections = new ConnectionFactory(5000);
        Endpoint root = tls.rootEndpoint();
        EndpointTls identity = EndpointTls.of(null, certs.resolve("ca.crt"), null, null, true);
        try (Connection c = connections.open(new Endpoint("target", root.host(), root.port(), root.user(), root.password(), null, identity))) {
            assertTrue(new Inspector(c).connectionTls().orElseThrow().startsWith("TLSv1"));
        }
        DatabaseAccessException rogue = assertThrows(DatabaseAccessException.class, () -> connections.open(new Endpoint("target", root.host(),
                root.port(), root.user(), root.password(), null, EndpointTls.of(null, certs.resolve("rogue-ca.crt"), null, null, null))));
        assertEquals(SqlErrors.Kind.FAILED, rogue.kind());
        assertFalse(SqlErrors.isTransient(rogue), "a certificate is not waited out");

        Endpoint plain = TestDatabases.root();
        try (Connection c = connections.open(plain)) {
            assertEquals(Optional.empty(), new Inspector(c).connectionTls());
        }
        DatabaseAccessException required = assertThrows(DatabaseAccessException.class, () -> connections.open(new Endpoint("target",
                plain.host(), plain.port(), plain.user(), plain.password(), null, EndpointTls.of("REQUIRED", null, null, null, null))));
        assertTrue(required.getMessage().contains("failed: TLS: "), required.getMessage());
        assertFalse(SqlErrors.isTransient(required), required.getMessage());
    }

    /**
     * MySQL 8 without TLS reached over the network: caching_sha2_password would have the agent fetch the server's
     * RSA key unauthenticated (anyone in between could hand over theirs and read the password), so the login is
     * refused with the way out, unless the operator chose ssl_mode DISABLED; on loopback nothing lies between.
     */
    @Test
    void aPasswordIsNotSentToARemoteServerWithoutTls() throws Exception {
        java.net.InetAddress lan = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(lan != null, "no network address on this machine");
        DatabaseSandbox plain = TestDatabases.server(SandboxEngine.MYSQL_8_0, "no-tls", "--ssl=0");
        Endpoint root = plain.rootEndpoint();
        TestDatabases.execute(root, "CREATE USER IF NOT EXISTS 'sha2_user'@'%' IDENTIFIED BY 'sha2-pw'");
        ConnectionFactory connections = new ConnectionFactory(5000);
        try (org.csmh.agent.testing.TcpProxy proxy = new org.csmh.agent.testing.TcpProxy(plain.port(), lan)) {
            TestDatabases.execute(root, "FLUSH PRIVILEGES"); // no cached login: the full exchange, as at a first login
            Endpoint remote = new Endpoint("target", lan.getHostAddress(), proxy.port(), "sha2_user", "sha2-pw", null);
            DatabaseAccessException refused = assertThrows(DatabaseAccessException.class, () -> connections.open(remote));
            assertTrue(refused.getMessage().contains("failed: the server offers no TLS, and its caching_sha2_password would take the"
                    + " password only encrypted with a key fetched unauthenticated"), refused.getMessage());
            assertTrue(refused.getMessage().contains("or set ssl_mode DISABLED for this endpoint"), refused.getMessage());
            try (Connection c = connections.open(new Endpoint("target", lan.getHostAddress(), proxy.port(), "sha2_user", "sha2-pw", null,
                    EndpointTls.of("DISABLED", null, null, null, null)))) {
                assertEquals(Optional.empty(), new Inspector(c).connectionTls(), "the operator chose plain text");
            }
        }
        TestDatabases.execute(root, "FLUSH PRIVILEGES");
        try (Connection c = connections.open(new Endpoint("target", root.host(), root.port(), "sha2_user", "sha2-pw", null))) {
            assertEquals(Optional.empty(), new Inspector(c).connectionTls(), "on loopback: no network between, the key may be fetched");
        }
    }

    /** Sets DATABASES.student_module_history.OPTIONS in lms.yml, replacing the file as the agent's own edits do. */
    @SuppressWarnings("unchecked")
    private void setOptions(Map<String, Object> options) throws Exception {
        Path lms = dir.resolve("lms.yml");
        Map<String, Object> settings = new Yaml().load(Files.readString(lms));
        Map<String, Object> entry = (Map<String, Object>) ((Map<String, Object>) settings.get("DATABASES")).get("student_module_history");
        entry.put("OPTIONS", new LinkedHashMap<>(options));
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path tmp = dir.resolve("lms.yml.tmp");
        Files.writeString(tmp, new Yaml(o).dump(settings));
        Files.move(tmp, lms, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
