package org.csmh.agent.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How callers are admitted. TLS (cert + key), mutual TLS (plus client_ca: callers must present a certificate it
 * signed), and/or bearer tokens read from files, each with a name (what the audit log shows) and a scope.
 */
public record SecurityConfig(Path tlsCert, Path tlsKey, Path clientCa, List<AccessToken> tokens) {
    /** What a token lets its holder call. */
    public enum Scope {
        /** GetStatus, GetJob, ListJobs, WatchJob: for watchers and dashboards. */
        READ,
        /** Everything. */
        OPERATOR
    }

    /** A named bearer token; the secret stays out of toString. */
    public record AccessToken(String name, String secret, Scope scope) {
        @Override
        public String toString() {
            return "AccessToken[" + name + ", " + scope + "]";
        }
    }

    public SecurityConfig {
        tokens = List.copyOf(tokens);
    }

    public static SecurityConfig none() {
        return new SecurityConfig(null, null, null, List.of());
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public boolean mutualTls() {
        return clientCa != null;
    }

    public boolean tokenRequired() {
        return !tokens.isEmpty();
    }

    @Override
    public String toString() {
        return "SecurityConfig[tls=" + tls() + ", mtls=" + mutualTls() + ", tokens=" + tokens.stream().map(t -> t.name() + ":"
                + t.scope().name().toLowerCase(java.util.Locale.ROOT)).toList() + "]";
    }
}
