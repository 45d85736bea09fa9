package org.csmh.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.EndpointTls;
import org.csmh.agent.mysql.Inspector;
import org.junit.jupiter.api.Test;

/** What status says of each connection's TLS: encrypted or not, verified or not, and when that is a finding. */
class ServerCheckTest {
    private static final Inspector.ServerFacts MYSQL = new Inspector.ServerFacts("MySQL", "8.0.36", false, "ROW", 2, 67_108_864, false);

    private static Check check(String host, EndpointTls tls, Optional<String> connection) {
        return StatusChecker.serverCheck("target_server", "target server", MYSQL, true,
                new Endpoint("target", host, 3306, "u", "p", "edxapp_csmh", tls), connection);
    }

    @Test
    void anUnencryptedConnectionToARemoteServerIsAWarning() {
        Check c = check("db.example.com", EndpointTls.DEFAULT, Optional.empty());
        assertEquals(Check.State.WARNING, c.state());
        assertEquals("none", c.fields().get("tls"));
        assertTrue(c.detail().contains("connection NOT encrypted to a remote server"), c.detail());
        Check local = check("127.0.0.1", EndpointTls.DEFAULT, Optional.empty());
        assertEquals(Check.State.INFO, local.state(), "on loopback nothing crosses a network");
        assertTrue(local.detail().contains("; connection not encrypted"), local.detail());
    }

    @Test
    void anEncryptedConnectionSaysWhetherTheServerWasVerified() {
        Check unverified = check("db.example.com", EndpointTls.DEFAULT, Optional.of("TLSv1.3 TLS_AES_256_GCM_SHA384"));
        assertEquals(Check.State.INFO, unverified.state());
        assertEquals("PREFERRED", unverified.fields().get("ssl_mode"));
        assertTrue(unverified.detail().contains("connection over TLSv1.3 TLS_AES_256_GCM_SHA384, the server's certificate not verified"
                + " (give a CA: OPTIONS.ssl.ca, or ca_cert)"), unverified.detail());
        Check verified = check("db.example.com", EndpointTls.of(null, Path.of("/etc/ssl/ca.pem"), null, null, null),
                Optional.of("TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256"));
        assertEquals("VERIFY_CA", verified.fields().get("ssl_mode"));
        assertEquals("true", verified.fields().get("tls_verified"));
        assertEquals("false", unverified.fields().get("tls_verified"));
        assertTrue(verified.detail().contains("the server's certificate verified (ssl_mode VERIFY_CA, CA /etc/ssl/ca.pem)"), verified.detail());
    }
}
