package org.csmh.agent.job;

import java.sql.Connection;
import java.util.List;
import java.util.Properties;
import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;

/** What job runners need from the agent: endpoints, and connections for each purpose. */
public final class JobEnvironment {
    private final ConnectionFactory connections;
    private final EndpointResolver endpoints;

    public JobEnvironment(ConnectionFactory connections, EndpointResolver endpoints) {
        this.connections = connections;
        this.endpoints = endpoints;
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

    public Connection plain(Endpoint e) {
        return connections.open(e);
    }

    /** A connection with the driver's common settings, to open with others in {@link #openAll}. */
    public static ConnectionFactory.Opening plainTo(Endpoint e) {
        return new ConnectionFactory.Opening(e, new Properties());
    }

    /** A writer whose JDBC batches go as one multi-statement round trip (rewriteBatchedStatements). */
    public static ConnectionFactory.Opening batching(Endpoint e) {
        Properties p = new Properties();
        p.setProperty("rewriteBatchedStatements", "true");
        p.setProperty("socketTimeout", "600000");
        return new ConnectionFactory.Opening(e, p);
    }

    /** A streaming reader's: text protocol, results streamed row by row (the caller sets fetch size Integer.MIN_VALUE). */
    public static ConnectionFactory.Opening reading(Endpoint e) {
        Properties p = new Properties();
        p.setProperty("socketTimeout", "600000");
        return new ConnectionFactory.Opening(e, p);
    }

    /** A bulk writer's: LOAD DATA LOCAL allowed. */
    public static ConnectionFactory.Opening writing(Endpoint e) {
        Properties p = new Properties();
        p.setProperty("allowLoadLocalInfile", "true");
        p.setProperty("socketTimeout", "600000");
        return new ConnectionFactory.Opening(e, p);
    }

    /** Several connections opened side by side, in the order asked; see {@link ConnectionFactory#openAll}. */
    public List<Connection> openAll(ConnectionFactory.Opening... openings) {
        return openAll(List.of(openings));
    }

    public List<Connection> openAll(List<ConnectionFactory.Opening> openings) {
        return connections.openAll(openings);
    }
}
