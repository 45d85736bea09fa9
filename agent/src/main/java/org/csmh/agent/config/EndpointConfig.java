package org.csmh.agent.config;

/**
 * A named database endpoint: either explicit (host/port/user/password) or taken from an lms.yml DATABASES alias
 * each time it is used, so the agent follows the file as it changes.
 */
public record EndpointConfig(String name, String host, int port, String user, String password, String database,
                             String lmsAlias) {
    public boolean fromLms() {
        return lmsAlias != null;
    }

    @Override
    public String toString() {
        return fromLms() ? "EndpointConfig[" + name + " <- lms.yml DATABASES." + lmsAlias + "]"
                : "EndpointConfig[" + name + " " + user + "@" + host + ":" + port + "]";
    }
}
