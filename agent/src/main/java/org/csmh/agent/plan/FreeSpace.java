package org.csmh.agent.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * Free bytes where a server keeps its data: as the server tells it (MariaDB's information_schema.DISKS, when that
 * plugin is loaded), or the datadir's filesystem when the server runs on this host (same hostname, and its datadir is
 * here), or what the operator says; else unknown.
 */
record FreeSpace(long bytes, String source) {
    static final FreeSpace UNKNOWN = new FreeSpace(-1, "unknown");
    private static final int UNKNOWN_TABLE = 1109;

    static FreeSpace of(Connection server, OptionalLong operator, String thisHost) throws SQLException {
        String datadir;
        String serverHost;
        try (Statement st = server.createStatement(); ResultSet rs = st.executeQuery("SELECT @@datadir, @@hostname")) {
            rs.next();
            datadir = rs.getString(1);
            serverHost = rs.getString(2);
        }
        FreeSpace disks = fromDisks(server, datadir);
        if (disks != null) {
            return disks;
        }
        if (serverHost != null && serverHost.equalsIgnoreCase(thisHost) && datadir != null) {
            try {
                Path dir = Path.of(datadir);
                if (Files.isDirectory(dir)) {
                    return new FreeSpace(Files.getFileStore(dir).getUsableSpace(), "the datadir's filesystem (" + datadir + ")");
                }
            } catch (IOException | RuntimeException notHere) {
                // Not readable from this account: the next source decides.
            }
        }
        if (operator.isPresent()) {
            return new FreeSpace(operator.getAsLong(), "operator");
        }
        return UNKNOWN;
    }

    /** The DISKS row whose path holds the datadir (the longest such path), in bytes; null without the plugin. */
    private static FreeSpace fromDisks(Connection server, String datadir) throws SQLException {
        try (Statement st = server.createStatement(); ResultSet rs = st.executeQuery("SELECT Path, Available FROM information_schema.DISKS")) {
            String best = null;
            long available = -1;
            while (rs.next()) {
                String path = rs.getString(1);
                if (datadir != null && datadir.startsWith(path) && (best == null || path.length() > best.length())) {
                    best = path;
                    available = rs.getLong(2) * 1024; // DISKS counts in KiB
                }
            }
            return best == null ? null : new FreeSpace(available, "information_schema.DISKS (" + best + ")");
        } catch (SQLException e) {
            if (e.getErrorCode() == UNKNOWN_TABLE || "42S02".equals(e.getSQLState())) {
                return null;
            }
            // The plugin needs FILE on some versions: a refusal there is not the planner's failure.
            if (e.getErrorCode() == 1227 || e.getErrorCode() == 1045 || e.getErrorCode() == 1142) {
                return null;
            }
            throw e;
        }
    }
}
