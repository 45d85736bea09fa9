package org.csmh.agent.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Small HikariCP pools for the short read-only calls that can come often (GetStatus polled by Ansible, the
 * cutover and purge gates). Keyed by the whole endpoint, password and TLS settings included (as a hash), so a
 * password, CA or renewed certificate gets a new pool and the old one is closed. Jobs do not use these: they hold dedicated connections with
 * per-purpose driver settings for their whole run.
 */
public final class DataSources implements AutoCloseable {
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final int connectTimeoutMillis;

    public DataSources(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    public Connection open(Endpoint endpoint) {
        String key = key(endpoint);
        String slot = endpoint.name() + "@" + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database();
        String previous = current.put(slot, key);
        if (previous != null && !previous.equals(key)) {
            HikariDataSource old = pools.remove(previous);
            if (old != null) {
                old.close();
            }
        }
        HikariDataSource ds = pools.computeIfAbsent(key, k -> create(endpoint));
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            throw DatabaseAccessException.from(endpoint, "login", e.getCause() instanceof SQLException c ? c : e);
        }
    }

    private HikariDataSource create(Endpoint endpoint) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(ConnectionFactory.url(endpoint));
        c.setDataSourceProperties(ConnectionFactory.properties(endpoint, connectTimeoutMillis));
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(0);
        c.setIdleTimeout(60_000);
        c.setConnectionTimeout(Math.max(250, connectTimeoutMillis));
        c.setInitializationFailTimeout(-1);
        c.setPoolName("csmh-" + endpoint.name());
        return new HikariDataSource(c);
    }

    private static String key(Endpoint e) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((e.user() + "\0" + e.password() + "\0" + e.database() + "\0" + ConnectionFactory.tlsProperties(e)).getBytes(StandardCharsets.UTF_8));
            return e.name() + "@" + e.host() + ":" + e.port() + "#" + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
