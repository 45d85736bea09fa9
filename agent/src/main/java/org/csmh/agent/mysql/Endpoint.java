package org.csmh.agent.mysql;

/** Where and as whom to connect, and how over TLS. {@link #toString()} never shows the password. */
public record Endpoint(String name, String host, int port, String user, String password, String database, EndpointTls tls) {

    public Endpoint {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (tls == null) {
            tls = EndpointTls.DEFAULT;
        }
    }

    /** With the default TLS settings (PREFERRED, nothing verified): every client's default. */
    public Endpoint(String name, String host, int port, String user, String password, String database) {
        this(name, host, port, user, password, database, EndpointTls.DEFAULT);
    }

    public Endpoint withDatabase(String db) {
        return new Endpoint(name, host, port, user, password, db, tls);
    }

    /** user@host:port, for messages and logs. */
    public String describe() {
        return user + "@" + host + ":" + port + (name == null || name.isEmpty() ? "" : " (" + name + ")");
    }

    @Override
    public String toString() {
        return "Endpoint[" + describe() + (database == null ? "" : ", db=" + database) + (tls.equals(EndpointTls.DEFAULT) ? "" : ", " + tls.describe()) + "]";
    }
}
