package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.proto.v1.CopyMode;

/** What job runners need from the agent: endpoints, connections for each purpose, metrics. */
public final class JobEnvironment {
    private final ConnectionFactory connections;
    private final EndpointResolver endpoints;
    private final ThrottleMetrics metrics;

    public JobEnvironment(ConnectionFactory connections, EndpointResolver endpoints) {
        this.connections = connections;
        this.endpoints = endpoints;
        this.metrics = new ThrottleMetrics(connections, endpoints::resolve);
    }

    public Endpoint source() {
        return endpoints.resolve("source");
    }

    public Endpoint target() {
        return endpoints.resolve("target");
    }

    /** Same-instance INSERT..SELECT needs one account that reads the old table and writes the new one. */
    public Endpoint sameInstanceCopier() {
        return endpoints.has("copy") ? endpoints.resolve("copy") : source();
    }

    /** The old table's purge needs DELETE (or DROP, for TRUNCATE) on it: endpoint `purge` if configured. */
    public Endpoint purger() {
        return endpoints.has("purge") ? endpoints.resolve("purge") : source();
    }

    /** CSMHE's DDL needs CREATE/ALTER: endpoint `migrate`, else `admin` (with the target's database), else target. */
    public Endpoint ddl() {
        String db = target().database();
        if (endpoints.has("migrate")) {
            return endpoints.resolve("migrate").withDatabase(db);
        }
        return endpoints.has("admin") ? endpoints.resolve("admin").withDatabase(db) : target();
    }

    public Endpoint endpoint(String name) {
        return endpoints.resolve(name);
    }

    public boolean hasEndpoint(String name) {
        return endpoints.has(name);
    }

    public ThrottleMetrics metrics() {
        return metrics;
    }

    public Connection plain(Endpoint e) {
        return connections.open(e);
    }

    /** Text protocol, results streamed row by row (the caller sets fetch size Integer.MIN_VALUE). */
    public Connection streamingReader(Endpoint e) {
        Properties p = new Properties();
        p.setProperty("socketTimeout", "600000");
        return connections.open(e, p);
    }

    public Connection bulkWriter(Endpoint e) {
        Properties p = new Properties();
        p.setProperty("allowLoadLocalInfile", "true");
        p.setProperty("socketTimeout", "600000");
        return connections.open(e, p);
    }

    /** The mode to use: AUTO becomes SAME_INSTANCE when both endpoints reach one server (same @@hostname, @@port). */
    public CopyMode resolveMode(CopyMode requested, Connection source, Connection target) throws SQLException {
        if (requested == CopyMode.COPY_MODE_SAME_INSTANCE || requested == CopyMode.COPY_MODE_CROSS_SERVER) {
            return requested;
        }
        return identity(source).equals(identity(target)) ? CopyMode.COPY_MODE_SAME_INSTANCE : CopyMode.COPY_MODE_CROSS_SERVER;
    }

    private static String identity(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@hostname, @@port, @@datadir")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getString(3);
        }
    }
}
