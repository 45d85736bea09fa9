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

    /** On this machine: nothing crosses a network, so what is sent there in clear is no finding. */
    public boolean loopback() {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost") || host.startsWith("127.");
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
