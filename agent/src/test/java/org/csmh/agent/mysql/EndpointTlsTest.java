package org.csmh.agent.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTlsTest {
    private static final Path CA = Path.of("/etc/mysql/ca.pem");

    @Test
    void theModeFollowsWhatIsGivenAsTheMysqlClientReadsIt() {
        assertEquals(EndpointTls.DEFAULT, EndpointTls.of(null, null, null, null, null));
        assertEquals(EndpointTls.Mode.VERIFY_CA, EndpointTls.of(null, CA, null, null, null).mode());
        assertEquals(EndpointTls.Mode.VERIFY_IDENTITY, EndpointTls.of(null, CA, null, null, true).mode());
        assertEquals(EndpointTls.Mode.VERIFY_CA, EndpointTls.of(null, CA, null, null, false).mode());
        // Said outright, the mode wins: REQUIRED with a CA encrypts without checking, as MySQL documents it.
        assertEquals(EndpointTls.Mode.REQUIRED, EndpointTls.of("required", CA, null, null, null).mode());
        assertEquals(EndpointTls.Mode.DISABLED, EndpointTls.of("DISABLED", null, null, null, null).mode());
    }

    @Test
    void contradictionsAreRefusedWithTheirReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.of("VERIFY", null, null, null, null))
                .getMessage().contains("unknown ssl_mode 'VERIFY'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.of("VERIFY_CA", CA, null, null, true))
                .getMessage().contains("check_hostname asks for VERIFY_IDENTITY"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.of(null, CA, Path.of("/c.pem"), null, null))
                .getMessage().contains("go together"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.of("DISABLED", CA, null, null, null))
                .getMessage().contains("ssl_mode DISABLED with certificate files"));
    }

    @Test
    void djangoOptionsAreReadAsMysqlclientPassesThem() {
        assertEquals(EndpointTls.DEFAULT, EndpointTls.fromDjangoOptions(Map.of("isolation_level", "read committed")));
        assertEquals(EndpointTls.DEFAULT, EndpointTls.fromDjangoOptions(null));
        EndpointTls t = EndpointTls.fromDjangoOptions(Map.of("ssl", Map.of("ca", "/etc/ca.pem", "cert", "/etc/c.pem", "key", "/etc/k.pem")));
        assertEquals(new EndpointTls(EndpointTls.Mode.VERIFY_CA, Path.of("/etc/ca.pem"), Path.of("/etc/c.pem"), Path.of("/etc/k.pem")), t);
        assertEquals(EndpointTls.Mode.REQUIRED, EndpointTls.fromDjangoOptions(Map.of("ssl_mode", "REQUIRED")).mode());
        assertEquals(EndpointTls.Mode.VERIFY_IDENTITY, EndpointTls.fromDjangoOptions(Map.of("ssl_mode", "VERIFY_IDENTITY",
                "ssl", Map.of("ca", "/etc/ca.pem"))).mode());
        // What the agent's driver cannot honour is refused, not silently weakened.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.fromDjangoOptions(Map.of("ssl", Map.of("capath", "/etc/ssl/certs"))))
                .getMessage().contains("OPTIONS.ssl key 'capath' is not supported by the agent (it takes ca, cert and key)"));
        // Keys mysqlclient does not read (check_hostname is PyMySQL's): the LMS ignores them, so does the agent.
        assertEquals(EndpointTls.Mode.VERIFY_CA, EndpointTls.fromDjangoOptions(Map.of("ssl", Map.of("ca", "/etc/ca.pem", "check_hostname", false))).mode());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.fromDjangoOptions(Map.of("ssl", Map.of("ca", "ca.pem"))))
                .getMessage().contains("OPTIONS.ssl.ca: expected an absolute path"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointTls.fromDjangoOptions(Map.of("ssl", "yes")))
                .getMessage().contains("expected a mapping"));
    }

    @Test
    void describeNamesFilesNeverContents() {
        assertEquals("ssl_mode VERIFY_CA, CA /etc/mysql/ca.pem", EndpointTls.of(null, CA, null, null, null).describe());
        assertEquals("ssl_mode VERIFY_IDENTITY, the JVM's trusted CAs", EndpointTls.of("VERIFY_IDENTITY", null, null, null, null).describe());
        assertEquals("ssl_mode PREFERRED", EndpointTls.DEFAULT.describe());
    }
}
