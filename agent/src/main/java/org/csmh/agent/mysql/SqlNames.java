package org.csmh.agent.mysql;

import java.util.regex.Pattern;
import org.csmh.agent.util.InvalidInputException;

/**
 * Validates and quotes the names that end up inside DDL/DCL text. MySQL cannot bind identifiers, user names or
 * passwords as statement parameters in CREATE USER / GRANT, so every such value is checked against a strict
 * allow-list first and quoted second; nothing else is ever spliced into SQL.
 */
public final class SqlNames {
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.\\-]{1,32}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.%_:\\-/]{1,255}");
    private static final Pattern CHARSET = Pattern.compile("[a-z0-9_]{1,32}");
    private static final int MAX_PASSWORD = 256;

    private SqlNames() {
    }

    public static String database(String name) {
        if (name == null || !DATABASE.matcher(name).matches()) {
            throw new InvalidInputException("invalid database name " + printable(name)
                    + ": use 1-64 characters from A-Z, a-z, 0-9 and _");
        }
        return name;
    }

    public static String user(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw new InvalidInputException("invalid user name " + printable(name)
                    + ": use 1-32 characters from A-Z, a-z, 0-9, '_', '.', '-'");
        }
        return name;
    }

    public static String host(String pattern) {
        if (pattern == null || !HOST.matcher(pattern).matches()) {
            throw new InvalidInputException("invalid host pattern " + printable(pattern)
                    + ": use a host name, an IP address or a pattern with % and _ (e.g. '%', '10.0.%', 'localhost')");
        }
        return pattern;
    }

    public static String charset(String name, String what) {
        if (name == null || !CHARSET.matcher(name).matches()) {
            throw new InvalidInputException("invalid " + what + " " + printable(name)
                    + ": use 1-32 characters from a-z, 0-9 and _");
        }
        return name;
    }

    public static String password(String password, String user) {
        if (password == null || password.isEmpty()) {
            throw new InvalidInputException("password for user '" + user + "' is empty");
        }
        if (password.length() > MAX_PASSWORD) {
            throw new InvalidInputException("password for user '" + user + "' is longer than " + MAX_PASSWORD);
        }
        for (int i = 0; i < password.length(); i++) {
            if (Character.isISOControl(password.charAt(i))) {
                throw new InvalidInputException("password for user '" + user + "' contains a control character");
            }
        }
        return password;
    }

    /** `name` with backticks doubled; only for names that passed validation. */
    public static String quoteIdentifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** 'user'@'host' for CREATE USER / GRANT; only for validated parts. */
    /** `database`.`table`, each part quoted. */
    public static String qualified(String database, String table) {
        return quoteIdentifier(database) + "." + quoteIdentifier(table);
    }

    public static String account(String user, String host) {
        return quoteString(user) + "@" + quoteString(host);
    }

    /**
     * A string literal. The connection that runs it has NO_BACKSLASH_ESCAPES removed from sql_mode
     * (see {@link AdminSession}), so doubling backslashes and quotes is exact.
     */
    public static String quoteString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Echo of a rejected value, shortened and stripped of control characters so errors stay readable. */
    public static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 70 ? value.substring(0, 70) + "..." : value;
        StringBuilder out = new StringBuilder("'");
        cut.codePoints().forEach(c -> out.append(Character.isISOControl(c) ? "?" : new String(Character.toChars(c))));
        return out.append("'").toString();
    }
}
