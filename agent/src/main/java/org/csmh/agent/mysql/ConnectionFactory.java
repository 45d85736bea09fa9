package org.csmh.agent.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.csmh.agent.util.DaemonThreads;

/** Opens short-lived JDBC connections with the same driver settings everywhere. */
public final class ConnectionFactory {
    /** One connection to open: where, and the driver properties of its purpose on top of the common ones. */
    public record Opening(Endpoint endpoint, Properties extra) {
    }

    private final int connectTimeoutMillis;

    public ConnectionFactory(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    public static String url(Endpoint endpoint) {
        String db = endpoint.database() == null ? "" : endpoint.database();
        return "jdbc:mysql://" + endpoint.host() + ":" + endpoint.port() + "/" + db;
    }

    public static Properties properties(Endpoint endpoint, int connectTimeoutMillis) {
        Properties p = new Properties();
        p.setProperty("user", endpoint.user());
        p.setProperty("password", endpoint.password() == null ? "" : endpoint.password());
        p.setProperty("connectTimeout", Integer.toString(connectTimeoutMillis));
        p.putAll(tlsProperties(endpoint));
        // MySQL 8's caching_sha2_password needs the server's RSA key to send a password without TLS. Fetched from the
        // server unauthenticated, anyone in between could hand over their own and read the password, so (as
        // libmysqlclient, and so Django, by default) only where no network lies between, or where the operator chose
        // ssl_mode DISABLED; elsewhere such a login fails and asks for TLS.
        p.setProperty("allowPublicKeyRetrieval", Boolean.toString(endpoint.loopback() || endpoint.tls().mode() == EndpointTls.Mode.DISABLED));
        p.setProperty("useUnicode", "true");
        p.setProperty("characterEncoding", "UTF-8");
        p.setProperty("connectionTimeZone", "UTC");
        p.setProperty("forceConnectionTimeZoneToSession", "true");
        return p;
    }

    /** The endpoint's TLS settings as driver properties; a certificate file that cannot be used fails the login here. */
    static Properties tlsProperties(Endpoint endpoint) {
        try {
            return TlsKeyStores.properties(endpoint.tls());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new DatabaseAccessException(SqlErrors.Kind.FAILED, "login on " + endpoint.describe() + " failed: " + e.getMessage(), e);
        }
    }

    public Connection open(Endpoint endpoint) {
        return open(endpoint, new Properties());
    }

    /** With extra driver properties for one purpose (streaming reads, LOAD DATA LOCAL writes). */
    public Connection open(Endpoint endpoint, Properties extra) {
        try {
            Properties p = properties(endpoint, connectTimeoutMillis);
            p.putAll(extra);
            return DriverManager.getConnection(url(endpoint), p);
        } catch (SQLException e) {
            throw DatabaseAccessException.from(endpoint, "login", e);
        }
    }

    /**
     * Opens several connections side by side and returns them in the order asked. Each opening is a TCP connect, a
     * TLS handshake where the server offers one (MySQL 8 does by default), a login and the driver's set-up queries:
     * 2-5 ms to a local server, tens of milliseconds to a remote one, and a job's start needs three or four. If any
     * fails, the others are closed and the first failure in the order asked is thrown, as opening them one after the
     * other would have: the caller sees the same error either way.
     */
    public List<Connection> openAll(List<Opening> openings) {
        List<CompletableFuture<Connection>> pending = new ArrayList<>();
        for (int i = 1; i < openings.size(); i++) {
            Opening o = openings.get(i);
            pending.add(CompletableFuture.supplyAsync(() -> open(o.endpoint(), o.extra()),
                    r -> DaemonThreads.named("connect-" + o.endpoint().name()).newThread(r).start()));
        }
        List<Connection> opened = new ArrayList<>();
        RuntimeException failure = null;
        if (!openings.isEmpty()) {
            try {
                opened.add(open(openings.get(0).endpoint(), openings.get(0).extra()));
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        // Every opening is waited for, failed or not, so none is left to finish unseen and leak its connection; each
        // is bounded by connectTimeout and the socket's own timeouts.
        for (CompletableFuture<Connection> f : pending) {
            try {
                opened.add(f.join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // it was of no use yet
                }
            }
            throw failure;
        }
        return opened;
    }
}
