package org.csmh.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.csmh.agent.util.PreconditionException;
import org.junit.jupiter.api.Test;

/** lms.yml aliases read as Django's MySQL backend reads them. */
class EndpointResolverTest {
    private static EndpointResolver with(Object port) {
        Map<String, Object> db = new java.util.HashMap<>(Map.of("HOST", "localhost", "USER", "u", "PASSWORD", "p", "NAME", "edxapp"));
        if (port != null) {
            db.put("PORT", port);
        }
        return new EndpointResolver(Map.of("source", new EndpointConfig("source", null, 0, null, null, null, "default")),
                () -> Map.of("DATABASES", Map.of("default", db)));
    }

    @Test
    void anEmptyOrZeroPortIsTheDefaultAsInDjango() {
        assertEquals(3306, with(0).resolve("source").port());
        assertEquals(3306, with("").resolve("source").port());
        assertEquals(3306, with(null).resolve("source").port());
        assertEquals(3307, with("3307").resolve("source").port());
        assertEquals("127.0.0.1", with(3307).resolve("source").host(), "localhost is the loopback address over TCP");
    }

    @Test
    void aPortOutOfRangeIsARefusalNotACrash() {
        PreconditionException e = assertThrows(PreconditionException.class, () -> with(70000).resolve("source"));
        assertTrue(e.getMessage().contains("PORT 70000 is not a port"), e.getMessage());
        e = assertThrows(PreconditionException.class, () -> with("db").resolve("source"));
        assertTrue(e.getMessage().contains("is not a port number"), e.getMessage());
        e = assertThrows(PreconditionException.class, () -> with(-5).resolve("source"));
        assertTrue(e.getMessage().contains("is not a port"), e.getMessage());
    }

    @Test
    void tlsFollowsTheEntrysOptionsAsMysqlclientReadsThem() {
        Map<String, Object> db = Map.of("HOST", "db.example.com", "USER", "u", "PASSWORD", "p", "NAME", "edxapp",
                "OPTIONS", Map.of("isolation_level", "read committed", "ssl", Map.of("ca", "/etc/ssl/rds-ca.pem")));
        EndpointResolver r = new EndpointResolver(Map.of("source", new EndpointConfig("source", null, 0, null, null, null, "default")),
                () -> Map.of("DATABASES", Map.of("default", db)));
        assertEquals(new org.csmh.agent.mysql.EndpointTls(org.csmh.agent.mysql.EndpointTls.Mode.VERIFY_CA, java.nio.file.Path.of("/etc/ssl/rds-ca.pem"),
                null, null), r.resolve("source").tls());
        assertEquals(org.csmh.agent.mysql.EndpointTls.DEFAULT, with(3306).resolve("source").tls(), "no OPTIONS.ssl: the driver's default, PREFERRED");

        EndpointResolver bad = new EndpointResolver(Map.of("source", new EndpointConfig("source", null, 0, null, null, null, "default")),
                () -> Map.of("DATABASES", Map.of("default", Map.of("HOST", "h", "OPTIONS", Map.of("ssl_mode", "SOMETIMES")))));
        PreconditionException e = assertThrows(PreconditionException.class, () -> bad.resolve("source"));
        assertTrue(e.getMessage().startsWith("lms.yml DATABASES.default: unknown ssl_mode 'SOMETIMES'"), e.getMessage());
    }
}
