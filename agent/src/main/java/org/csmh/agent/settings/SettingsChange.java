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

    /** options empty and connMaxAge null mean "not given" until {@link #resolveIn} fills them from the file. */
    public record CsmhDatabase(String name, String user, String password, String host, int port,
                               Map<String, Object> options, Object connMaxAge) {
        @Override
        public String toString() {
            return "CsmhDatabase[" + user + "@" + host + ":" + port + "/" + name + "]";
        }
    }

    /**
     * The entry with what was not given taken from the file: the existing student_module_history entry, else
     * DATABASES.default (whose host, user and password the configuration role gives student_module_history), else
     * edxapp_csmh / 3306. A user, password or host found nowhere is named in the refusal.
     */
    public CsmhDatabase resolveIn(Map<?, ?> existing, Map<?, ?> defaultEntry, String file) {
        String n = pick(database.name(), existing, null, "NAME");
        String u = pick(database.user(), existing, defaultEntry, "USER");
        String pw = pick(database.password(), existing, defaultEntry, "PASSWORD");
        String h = pick(database.host(), existing, defaultEntry, "HOST");
        String port = pick(database.port() == 0 ? "" : Integer.toString(database.port()), existing, defaultEntry, "PORT");
        for (String[] need : new String[][] {{u, "user (--db-user)"}, {pw, "password (--db-password-*)"}, {h, "host (--db-host)"}}) {
            if (need[0].isEmpty()) {
                throw new org.csmh.agent.util.PreconditionException("no database " + need[1] + " given, and none in " + file
                        + " DATABASES.student_module_history or DATABASES.default to keep");
            }
        }
        int portNumber;
        try {
            portNumber = port.isEmpty() || Integer.parseInt(port) == 0 ? 3306 : Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new org.csmh.agent.util.PreconditionException(file + ": DATABASES PORT " + SqlNames.printable(port) + " is not a number");
        }
        Map<String, Object> options = database.options();
        if (options.isEmpty()) {
            options = stringKeys(fromFile(existing, defaultEntry, "OPTIONS", v -> v instanceof Map<?, ?>));
        }
        Object connMaxAge = database.connMaxAge();
        if (connMaxAge == null) {
            Object found = fromFile(existing, defaultEntry, "CONN_MAX_AGE", v -> true);
            connMaxAge = found == null ? 0 : found;
        }
        return new CsmhDatabase(n.isEmpty() ? "edxapp_csmh" : n, u, pw, h, portNumber, options, connMaxAge);
    }

    private static String pick(String given, Map<?, ?> existing, Map<?, ?> defaultEntry, String key) {
        if (!given.isEmpty()) {
            return given;
        }
        Object found = fromFile(existing, defaultEntry, key, v -> !String.valueOf(v).isEmpty());
        return found == null ? "" : String.valueOf(found);
    }

    /** A mapping from the file with its keys as strings; its values keep their YAML types. Empty for null. */
    private static Map<String, Object> stringKeys(Object mapping) {
        Map<String, Object> out = new TreeMap<>();
        if (mapping instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    /** The value under key in the existing entry, else in DATABASES.default, that is set and usable; else null. */
    private static Object fromFile(Map<?, ?> existing, Map<?, ?> defaultEntry, String key, java.util.function.Predicate<Object> usable) {
        for (Map<?, ?> m : new Map<?, ?>[] {existing, defaultEntry}) {
            Object v = m == null ? null : m.get(key);
            if (v != null && usable.test(v)) {
                return v;
            }
        }
        return null;
    }

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");

    /**
     * An option value as YAML (and Django's MySQLdb) would take it from lms.yml: connect_timeout=10 must be the
     * integer 10, not the string '10'; true/false are booleans; a value wholly in quotes stays a string without them.
     */
    static Object typed(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        if (INTEGER.matcher(v).matches()) {
            long n = Long.parseLong(v);
            // The boxed type SnakeYAML reads back, so the edit's self-check compares like with like.
            return n == (int) n ? (Object) (int) n : (Object) n;
        }
        if (v.equals("true") || v.equals("True")) {
            return Boolean.TRUE;
        }
        if (v.equals("false") || v.equals("False")) {
            return Boolean.FALSE;
        }
        return v;
    }

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9.:_\\-]{1,255}");
    private static final Pattern OPTION_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** OPTIONS.ssl, the mapping mysqlclient takes for TLS, given flat as ssl.ca=PATH (a request's options are strings). */
    private static final java.util.Set<String> SSL_KEYS = java.util.Set.of("ssl.ca", "ssl.cert", "ssl.key");

    public SettingsChange {
        if (database == null && enableCsmhExtended == null && readFromMultipleTables == null) {
            throw new InvalidInputException("nothing to update: give database settings or a flag");
        }
    }

    /** Cutover (false) or rollback (true): only ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES, in every managed file. */
    public static SettingsChange readingFromMultipleTables(boolean value, boolean dryRun) {
        return new SettingsChange(null, null, value, true, dryRun);
    }

    /**
     * A validated database entry. Empty name, user, password, host and a zero port mean "as the file has it": the
     * existing student_module_history entry's value, else DATABASES.default's (what the configuration role renders);
     * see {@link #resolve}.
     */
    public static CsmhDatabase database(String name, String user, String password, String host, int port,
                                        Map<String, String> options, Integer connMaxAge) {
        String db = name == null || name.isBlank() ? "" : SqlNames.database(name);
        String u = user == null || user.isEmpty() ? "" : SqlNames.user(user);
        String pw = password == null || password.isEmpty() ? "" : SqlNames.password(password, u);
        if (host != null && !host.isEmpty() && !HOSTNAME.matcher(host).matches()) {
            throw new InvalidInputException("invalid database host " + SqlNames.printable(host) + ": expected a host name or IP address");
        }
        int p = (int) Unsigned.atMost(port, 65535, "port");
        if (connMaxAge != null) {
            Unsigned.atMost(connMaxAge, 86400, "conn_max_age");
        }
        Map<String, Object> opts = new TreeMap<>();
        if (options.size() > 32) {
            throw new InvalidInputException("too many OPTIONS: " + options.size());
        }
        Map<String, Object> ssl = new TreeMap<>();
        options.forEach((k, v) -> {
            if (v == null || v.length() > 1024 || v.chars().anyMatch(c -> c < 0x20)) {
                throw new InvalidInputException("invalid OPTIONS value for " + SqlNames.printable(k) + ": at most 1024 printable characters");
            }
            if (SSL_KEYS.contains(k)) {
                ssl.put(k.substring("ssl.".length()), v); // a path: a string as given
            } else if (OPTION_KEY.matcher(k).matches()) {
                opts.put(k, typed(v));
            } else {
                throw new InvalidInputException("invalid OPTIONS key " + SqlNames.printable(k) + " (ssl.ca, ssl.cert and ssl.key are the"
                        + " nested ones)");
            }
        });
        if (!ssl.isEmpty()) {
            opts.put("ssl", ssl);
        }
        try {
            // What the LMS and the agent will make of the TLS options (mysqlclient's reading): refused now, not at the next connection.
            org.csmh.agent.mysql.EndpointTls.fromDjangoOptions(opts);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return new CsmhDatabase(db, u, pw, host == null ? "" : host, p, opts, connMaxAge);
    }
}
