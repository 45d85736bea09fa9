package org.csmh.agent.config;

import java.nio.file.Path;

/**
 * How callers are admitted. TLS (cert + key), mutual TLS (plus client_ca: callers must present a certificate it
 * signed), and/or a bearer token read from a file. Without TLS the agent only listens on loopback.
 */
public record SecurityConfig(Path tlsCert, Path tlsKey, Path clientCa, String token) {
    public static SecurityConfig none() {
        return new SecurityConfig(null, null, null, null);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public boolean mutualTls() {
        return clientCa != null;
    }

    public boolean tokenRequired() {
        return token != null;
    }

    @Override
    public String toString() {
        return "SecurityConfig[tls=" + tls() + ", mtls=" + mutualTls() + ", token=" + tokenRequired() + "]";
    }
}
