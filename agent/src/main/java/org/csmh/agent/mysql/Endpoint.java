package org.csmh.agent.mysql;

/** Where and as whom to connect. {@link #toString()} never shows the password. */
public record Endpoint(String name, String host, int port, String user, String password, String database) {

    public Endpoint {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public Endpoint withDatabase(String db) {
        return new Endpoint(name, host, port, user, password, db);
    }

    /** user@host:port, for messages and logs. */
    public String describe() {
        return user + "@" + host + ":" + port + (name == null || name.isEmpty() ? "" : " (" + name + ")");
    }

    @Override
    public String toString() {
        return "Endpoint[" + describe() + (database == null ? "" : ", db=" + database) + "]";
    }
}
