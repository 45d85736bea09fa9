package org.csmh.agent.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens short-lived JDBC connections with the same driver settings everywhere. */
public final class ConnectionFactory {
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
        p.setProperty("sslMode", "PREFERRED");
        // MySQL 8's caching_sha2_password needs the server's key when TLS is off.
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("useUnicode", "true");
        p.setProperty("characterEncoding", "UTF-8");
        p.setProperty("connectionTimeZone", "UTC");
        p.setProperty("forceConnectionTimeZoneToSession", "true");
        return p;
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
}
