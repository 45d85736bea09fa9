package org.csmh.agent.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.EndpointTls;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.util.PreconditionException;

/** Turns a configured endpoint name into connection details, reading lms.yml aliases at the time of use. */
public final class EndpointResolver {
    private final Map<String, EndpointConfig> endpoints;
    private final Supplier<Map<String, Object>> lmsSettings;

    public EndpointResolver(Map<String, EndpointConfig> endpoints, Supplier<Map<String, Object>> lmsSettings) {
        this.endpoints = endpoints;
        this.lmsSettings = lmsSettings;
    }

    public boolean has(String name) {
        return endpoints.containsKey(name);
    }

    public Endpoint resolve(String name) {
        EndpointConfig c = endpoints.get(name);
        if (c == null) {
            throw new PreconditionException("no endpoint named '" + name + "' in the agent config (have: "
                    + String.join(", ", endpoints.keySet().stream().sorted().toList()) + ")");
        }
        if (!c.fromLms()) {
            return new Endpoint(name, c.host(), c.port(), c.user(), c.password(), c.database(), c.tls());
        }
        return fromLms(name, c.lmsAlias()).orElseThrow(() -> new PreconditionException(
                "endpoint '" + name + "' reads lms.yml DATABASES." + c.lmsAlias() + ", which is not there"));
    }

    private Optional<Endpoint> fromLms(String name, String alias) {
        if (!(lmsSettings.get().get("DATABASES") instanceof Map<?, ?> dbs) || !(dbs.get(alias) instanceof Map<?, ?> db)) {
            return Optional.empty();
        }
        String host = text(db.get("HOST"), "127.0.0.1");
        if (host.isEmpty() || host.equals("localhost")) {
            // Django's MySQL backend treats localhost as the Unix socket; over TCP it is the loopback address.
            host = "127.0.0.1";
        }
        int port;
        String given = text(db.get("PORT"), "").trim();
        try {
            // As Django's MySQL backend: an empty or zero PORT is not passed on, so the client's default 3306 applies.
            port = given.isEmpty() || Long.parseLong(given) == 0 ? 3306 : Integer.parseInt(given);
        } catch (NumberFormatException e) {
            throw new PreconditionException("lms.yml DATABASES." + alias + ".PORT " + SqlNames.printable(given) + " is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new PreconditionException("lms.yml DATABASES." + alias + ".PORT " + port + " is not a port (1-65535)");
        }
        EndpointTls tls;
        try {
            // As Django connects: mysqlclient takes OPTIONS.ssl and OPTIONS.ssl_mode.
            tls = EndpointTls.fromDjangoOptions(db.get("OPTIONS"));
        } catch (IllegalArgumentException e) {
            throw new PreconditionException("lms.yml DATABASES." + alias + ": " + e.getMessage());
        }
        return Optional.of(new Endpoint(name, host, port, text(db.get("USER"), ""), text(db.get("PASSWORD"), ""),
                text(db.get("NAME"), null), tls));
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
