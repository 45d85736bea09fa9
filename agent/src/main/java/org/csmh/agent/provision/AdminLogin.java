package org.csmh.agent.provision;

import java.nio.file.Path;
import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.EndpointTls;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.Unsigned;

/** Where ProvisionDatabase logs in: a named endpoint from the agent config (default "admin"), or explicit credentials. */
public final class AdminLogin {
    private AdminLogin() {
    }

    /** TLS for an explicit login, as community.mysql takes it: files on this host, by absolute path. */
    public record Tls(String caCert, String clientCert, String clientKey, boolean checkHostname) {
        boolean given() {
            return !caCert.isEmpty() || !clientCert.isEmpty() || !clientKey.isEmpty() || checkHostname;
        }

        EndpointTls toEndpointTls() {
            try {
                return EndpointTls.of(null, file("ca_cert", caCert), file("client_cert", clientCert), file("client_key", clientKey),
                        checkHostname);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("login: " + e.getMessage());
            }
        }

        private static Path file(String what, String path) {
            if (path.isEmpty()) {
                return null;
            }
            if (path.length() > 4096 || path.chars().anyMatch(c -> c < 0x20) || !Path.of(path).isAbsolute()) {
                throw new InvalidInputException("login " + what + ": expected an absolute path on the agent's host");
            }
            return Path.of(path);
        }
    }

    public static Endpoint resolve(EndpointResolver endpoints, String endpoint, String host, int port, String user, String password, Tls tls) {
        boolean explicit = !host.isEmpty() || !user.isEmpty();
        if (explicit && !endpoint.isEmpty()) {
            throw new InvalidInputException("login: give an endpoint name or host/user/password, not both");
        }
        if (!explicit) {
            if (tls.given()) {
                throw new InvalidInputException("login: TLS options go with host/user; a configured endpoint has its own (agent.yml)");
            }
            return endpoints.resolve(endpoint.isEmpty() ? "admin" : endpoint);
        }
        if (user.isEmpty() || host.isEmpty()) {
            throw new InvalidInputException("login: host and user are both required");
        }
        if (host.length() > 255 || !host.matches("[A-Za-z0-9.:_\\-]+")) {
            throw new InvalidInputException("login: invalid host");
        }
        long p = Unsigned.atMost(port, 65535, "login port");
        return new Endpoint("login", host, p == 0 ? 3306 : (int) p, user, password, null, tls.toEndpointTls());
    }
}
