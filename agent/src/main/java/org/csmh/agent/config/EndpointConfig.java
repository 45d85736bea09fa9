package org.csmh.agent.config;

import org.csmh.agent.mysql.EndpointTls;

/**
 * A named database endpoint: either explicit (host/port/user/password, TLS settings) or taken from an lms.yml
 * DATABASES alias each time it is used, so the agent follows the file as it changes (TLS from its OPTIONS).
 */
public record EndpointConfig(String name, String host, int port, String user, String password, String database,
                             String lmsAlias, EndpointTls tls) {
    public EndpointConfig {
        if (tls == null) {
            tls = EndpointTls.DEFAULT;
        }
    }

    public EndpointConfig(String name, String host, int port, String user, String password, String database, String lmsAlias) {
        this(name, host, port, user, password, database, lmsAlias, EndpointTls.DEFAULT);
    }

    public boolean fromLms() {
        return lmsAlias != null;
    }

    @Override
    public String toString() {
        return fromLms() ? "EndpointConfig[" + name + " <- lms.yml DATABASES." + lmsAlias + "]"
                : "EndpointConfig[" + name + " " + user + "@" + host + ":" + port + ", " + tls.describe() + "]";
    }
}
