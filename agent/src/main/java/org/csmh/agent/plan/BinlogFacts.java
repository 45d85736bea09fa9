package org.csmh.agent.plan;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The binary log of the server that takes the copy's writes: on or off, its format and row image, and how long the
 * server keeps it (binlog_expire_logs_seconds, MySQL 8 and MariaDB 10.6+; else expire_logs_days; 0 = forever).
 */
record BinlogFacts(boolean on, String format, String rowImage, long expireSeconds) {
    static BinlogFacts of(Connection server) throws SQLException {
        Map<String, String> v = new HashMap<>();
        try (Statement st = server.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                + " ('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_expire_logs_seconds', 'expire_logs_days')")) {
            while (rs.next()) {
                v.put(rs.getString(1).toLowerCase(), rs.getString(2));
            }
        }
        boolean on = "ON".equalsIgnoreCase(v.get("log_bin")) || "1".equals(v.get("log_bin"));
        long seconds = number(v.get("binlog_expire_logs_seconds"));
        if (seconds == 0) {
            seconds = Math.round(Double.parseDouble(v.getOrDefault("expire_logs_days", "0")) * 86_400);
        }
        return new BinlogFacts(on, v.getOrDefault("binlog_format", "").toUpperCase(), v.getOrDefault("binlog_row_image", "FULL").toUpperCase(), seconds);
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
