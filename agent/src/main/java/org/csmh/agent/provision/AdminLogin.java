package org.csmh.agent.provision;

import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.Unsigned;

/** Where ProvisionDatabase logs in: a named endpoint from the agent config (default "admin"), or explicit credentials. */
public final class AdminLogin {
    private AdminLogin() {
    }

    public static Endpoint resolve(EndpointResolver endpoints, String endpoint, String host, int port, String user, String password) {
        boolean explicit = !host.isEmpty() || !user.isEmpty();
        if (explicit && !endpoint.isEmpty()) {
            throw new InvalidInputException("login: give an endpoint name or host/user/password, not both");
        }
        if (!explicit) {
            return endpoints.resolve(endpoint.isEmpty() ? "admin" : endpoint);
        }
        if (user.isEmpty() || host.isEmpty()) {
            throw new InvalidInputException("login: host and user are both required");
        }
        if (host.length() > 255 || !host.matches("[A-Za-z0-9.:_\\-]+")) {
            throw new InvalidInputException("login: invalid host");
        }
        long p = Unsigned.atMost(port, 65535, "login port");
        return new Endpoint("login", host, p == 0 ? 3306 : (int) p, user, password, null);
    }
}
