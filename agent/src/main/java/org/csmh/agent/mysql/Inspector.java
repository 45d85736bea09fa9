package org.csmh.agent.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Read-only facts about a database: never writes. */
public final class Inspector {
    private static final Pattern AUTO_INCREMENT = Pattern.compile("AUTO_INCREMENT=(\\d+)");
    private final Connection connection;

    public Inspector(Connection connection) {
        this.connection = connection;
    }

    public boolean schemaExists(String database) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public boolean tableExists(String database, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The next AUTO_INCREMENT value from SHOW CREATE TABLE: MySQL 8 caches information_schema.TABLES.AUTO_INCREMENT
     * for up to a day, SHOW CREATE TABLE is current on both servers. Empty when the table has no rows yet and
     * the counter was never moved (the clause is then omitted, meaning 1).
     */
    public long nextAutoIncrement(String database, String table) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + SqlNames.qualified(database, table))) {
            rs.next();
            Matcher m = AUTO_INCREMENT.matcher(rs.getString(2));
            return m.find() ? Long.parseLong(m.group(1)) : 1L;
        }
    }

    /** Which server this is: two connections that give the same identity reach one server (@@hostname, @@port, @@datadir). */
    public String serverIdentity() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT @@hostname, @@port, @@datadir")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getString(3);
        }
    }

    /** The character sets of a table's text columns, lower case (e.g. utf8mb3, utf8mb4, latin1); numbers and dates have none. */
    public java.util.Set<String> textCharsets(String database, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT LOWER(CHARACTER_SET_NAME) FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CHARACTER_SET_NAME IS NOT NULL")) {
            ps.setString(1, database);
            ps.setString(2, table);
            java.util.Set<String> out = new java.util.TreeSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** @@innodb_autoinc_lock_mode: below 2, a statement whose row count is not known ahead (INSERT..SELECT, LOAD
     * DATA) holds the table's AUTO-INC lock until it ends, even when it supplies every id. */
    public int autoincLockMode() throws SQLException {
        return firstValue("SELECT @@innodb_autoinc_lock_mode", rs -> rs.getInt(1));
    }

    /**
     * A table's character set, from its default collation (e.g. utf8mb4 for utf8mb4_general_ci, or MariaDB 11's
     * utf8mb4_uca1400_ai_ci); utf8 and utf8mb3 are reported as the server names them. Empty when there is no such table.
     */
    public java.util.Optional<String> tableCharset(String database, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT LOWER(SUBSTRING_INDEX(TABLE_COLLATION, '_', 1)) FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.ofNullable(rs.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /**
     * Facts about the server that change how the procedure goes: flavour, version, copy paths, binary log.
     *
     * @param maxAllowedPacket the largest statement (packet) the server takes from a client, in bytes
     * @param readOnly         read_only is on (super_read_only turns it on too): only accounts allowed past it write
     */
    public record ServerFacts(String flavor, String version, boolean localInfile, String binlogFormat, int autoincLockMode,
                              long maxAllowedPacket, boolean readOnly) {
        /** Whether the binary log is on (binlog_format matters only then). */
        public boolean binlogOn() {
            return binlogFormat != null;
        }

        public boolean mariaDb() {
            return "MariaDB".equals(flavor);
        }

        public String describe() {
            return flavor + " " + version;
        }
    }

    public ServerFacts serverFacts() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT VERSION(), @@version_comment, @@local_infile, @@log_bin, @@binlog_format, @@innodb_autoinc_lock_mode,"
                     + " @@max_allowed_packet, @@read_only")) {
            rs.next();
            String version = rs.getString(1);
            String comment = rs.getString(2) == null ? "" : rs.getString(2);
            String flavor = version.toLowerCase().contains("mariadb") || comment.toLowerCase().contains("mariadb") ? "MariaDB" : "MySQL";
            return new ServerFacts(flavor, version.replaceAll("-MariaDB.*$", "").replaceAll("-log$", ""), rs.getInt(3) == 1,
                    rs.getInt(4) == 1 ? rs.getString(5) : null, rs.getInt(6), rs.getLong(7), rs.getInt(8) == 1);
        }
    }

    /**
     * This connection's TLS as the server sees it: "TLSv1.3 TLS_AES_256_GCM_SHA384", or empty when it is not
     * encrypted (the server offers no TLS, or ssl_mode DISABLED).
     */
    public Optional<String> connectionTls() throws SQLException {
        String version = "";
        String cipher = "";
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')")) {
            while (rs.next()) {
                String v = rs.getString(2) == null ? "" : rs.getString(2);
                if (rs.getString(1).equalsIgnoreCase("Ssl_version")) {
                    version = v;
                } else {
                    cipher = v;
                }
            }
        }
        return cipher.isEmpty() ? Optional.empty() : Optional.of((version + " " + cipher).strip());
    }

    /** @@local_infile: whether the server accepts LOAD DATA LOCAL INFILE (MySQL 8 defaults to OFF, MariaDB to ON). */
    public boolean localInfile() throws SQLException {
        return firstValue("SELECT @@local_infile", rs -> rs.getInt(1)) == 1;
    }

    /** The session's character_set_results: what the server converts text to before sending it (null: nothing). */
    public String resultsCharset() throws SQLException {
        return firstValue("SELECT LOWER(@@character_set_results)", rs -> rs.getString(1));
    }

    /** max(id) through the primary key: one index dive, cheap on any size. */
    public OptionalLong maxId(String database, String table) throws SQLException {
        return idBound("MAX", database, table);
    }

    /** min(id) through the primary key; empty for an empty table. */
    public OptionalLong minId(String database, String table) throws SQLException {
        return idBound("MIN", database, table);
    }

    private OptionalLong idBound(String function, String database, String table) throws SQLException {
        return firstValue("SELECT " + function + "(id) FROM " + SqlNames.qualified(database, table),
                rs -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                });
    }

    public long estimatedRows(String database, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    public long exactRows(String database, String table) throws SQLException {
        return firstValue("SELECT COUNT(*) FROM " + SqlNames.qualified(database, table), rs -> rs.getLong(1));
    }

    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The first column of the single row a query returns. */
    private <T> T firstValue(String sql, Column<T> column) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return column.read(rs);
        }
    }

    /** A transaction open on the server: its session (thread) and when it began, the pair that names it. */
    public record OpenTransaction(long thread, String started, long ageSeconds) {
    }

    /**
     * The server's open transactions that have written or are running a writing statement, other than this
     * session's (information_schema.INNODB_TRX, which needs PROCESS: without it the server refuses with 1227).
     * Read-only transactions (a long SELECT, a consistent-snapshot dump) hold no ids and are left out.
     */
    public List<OpenTransaction> openWriteTransactions() throws SQLException {
        List<OpenTransaction> out = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT trx_mysql_thread_id, CAST(trx_started AS CHAR), GREATEST(0, TIMESTAMPDIFF(SECOND, trx_started, NOW()))"
                        + " FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id <> CONNECTION_ID()"
                        + " AND (trx_rows_modified > 0 OR (trx_query IS NOT NULL AND trx_is_read_only = 0))")) {
            while (rs.next()) {
                out.add(new OpenTransaction(rs.getLong(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /**
     * Whether this account may read the server's open transactions (INNODB_TRX needs PROCESS): what a copy's
     * settling of late commits waits for when it can, and waits a fixed time for when it cannot.
     */
    public boolean seesOpenTransactions() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM information_schema.INNODB_TRX LIMIT 1")) {
            return true;
        } catch (SQLException e) {
            if (SqlErrors.kind(e) == SqlErrors.Kind.ACCESS_DENIED) {
                return false;
            }
            throw e;
        }
    }

    /** SHOW GRANTS for the connected account. */
    public List<String> ownGrants() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
