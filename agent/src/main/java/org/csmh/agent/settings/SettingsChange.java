package org.csmh.agent.settings;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.Unsigned;

/** A validated UpdateSettings request. A null flag means "leave it as it is". */
public record SettingsChange(CsmhDatabase database, Boolean enableCsmhExtended, Boolean readFromMultipleTables,
                             boolean includeCms, boolean dryRun) {

    public record CsmhDatabase(String name, String user, String password, String host, int port,
                               Map<String, String> options, int connMaxAge) {
        @Override
        public String toString() {
            return "CsmhDatabase[" + user + "@" + host + ":" + port + "/" + name + "]";
        }
    }

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9.:_\\-]{1,255}");
    private static final Pattern OPTION_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    public SettingsChange {
        if (database == null && enableCsmhExtended == null && readFromMultipleTables == null) {
            throw new InvalidInputException("nothing to update: give database settings or a flag");
        }
    }

    /** Cutover (false) or rollback (true): only ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES, in every managed file. */
    public static SettingsChange readingFromMultipleTables(boolean value, boolean dryRun) {
        return new SettingsChange(null, null, value, true, dryRun);
    }

    public static CsmhDatabase database(String name, String user, String password, String host, int port,
                                        Map<String, String> options, int connMaxAge) {
        String db = SqlNames.database(name == null || name.isBlank() ? "edxapp_csmh" : name);
        String u = SqlNames.user(user);
        String pw = SqlNames.password(password, u);
        if (host == null || !HOSTNAME.matcher(host).matches()) {
            throw new InvalidInputException("invalid database host " + SqlNames.printable(host) + ": expected a host name or IP address");
        }
        int p = port == 0 ? 3306 : (int) Unsigned.atMost(port, 65535, "port");
        Unsigned.atMost(connMaxAge, 86400, "conn_max_age");
        Map<String, String> opts = new TreeMap<>();
        if (options.size() > 32) {
            throw new InvalidInputException("too many OPTIONS: " + options.size());
        }
        options.forEach((k, v) -> {
            if (!OPTION_KEY.matcher(k).matches()) {
                throw new InvalidInputException("invalid OPTIONS key " + SqlNames.printable(k));
            }
            if (v == null || v.length() > 1024 || v.chars().anyMatch(c -> c < 0x20)) {
                throw new InvalidInputException("invalid OPTIONS value for " + k + ": at most 1024 printable characters");
            }
            opts.put(k, v);
        });
        return new CsmhDatabase(db, u, pw, host, p, opts, connMaxAge);
    }
}
