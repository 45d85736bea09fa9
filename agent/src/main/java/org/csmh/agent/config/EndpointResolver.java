package org.csmh.agent.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.csmh.agent.mysql.Endpoint;
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
            return new Endpoint(name, c.host(), c.port(), c.user(), c.password(), c.database());
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
        try {
            port = Integer.parseInt(text(db.get("PORT"), "3306").isEmpty() ? "3306" : text(db.get("PORT"), "3306"));
        } catch (NumberFormatException e) {
            throw new PreconditionException("lms.yml DATABASES." + alias + ".PORT is not a number");
        }
        return Optional.of(new Endpoint(name, host, port, text(db.get("USER"), ""), text(db.get("PASSWORD"), ""),
                text(db.get("NAME"), null)));
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
