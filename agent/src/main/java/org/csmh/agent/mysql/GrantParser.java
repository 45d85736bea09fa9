package org.csmh.agent.mysql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads SHOW GRANTS lines (MySQL 8 and MariaDB spellings) into database-level grants. */
public final class GrantParser {
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (`(?:[^`]|``)+`|\\*)\\.\\* TO .*?( WITH GRANT OPTION)?$");
    private static final Pattern TABLE_GRANT = Pattern.compile("^GRANT (.+?) ON (`(?:[^`]|``)+`)\\.(`(?:[^`]|``)+`) TO .*?( WITH GRANT OPTION)?$");

    /**
     * One database-level grant. {@code object} is the object exactly as the server shows it (`edxapp\_csmh`.* or
     * `edxapp_csmh`.*): MySQL keeps grants on the escaped and the unescaped name apart, so a REVOKE must name the
     * same spelling the GRANT used.
     */
    public record DbGrant(String database, String object, Set<String> privileges, boolean grantOption) {
        public DbGrant(String database, String object, Set<String> privileges) {
            this(database, object, privileges, false);
        }
    }

    /** The pseudo-database of global grants (ON *.*). */
    public static final String GLOBAL = "*";

    private GrantParser() {
    }

    public static List<DbGrant> grants(List<String> showGrantsLines) {
        List<DbGrant> out = new ArrayList<>();
        for (String line : showGrantsLines) {
            Matcher m = GRANT.matcher(line.trim());
            if (!m.matches() || m.group(1).startsWith("PROXY")) {
                continue;
            }
            String quoted = m.group(2);
            String db = quoted.equals("*") ? GLOBAL : unescape(quoted.substring(1, quoted.length() - 1).replace("``", "`"));
            Set<String> privs = new LinkedHashSet<>();
            for (String p : m.group(1).split(",")) {
                String norm = p.trim().toUpperCase(Locale.ROOT);
                if (!norm.equals("USAGE")) {
                    privs.add(norm);
                }
            }
            out.add(new DbGrant(db, quoted + ".*", privs, m.group(3) != null));
        }
        return out;
    }

    /** One table-level grant, the object as the server shows it (`db`.`table`). */
    public record TableGrant(String database, String table, String object, Set<String> privileges, boolean grantOption) {
    }

    /**
     * The table-level grants among SHOW GRANTS lines (database-level ones are {@link #grants}). Column-level
     * privileges ("SELECT (col)") are left out: the procedure grants none and revokes none.
     */
    public static List<TableGrant> tableGrants(List<String> showGrantsLines) {
        List<TableGrant> out = new ArrayList<>();
        for (String line : showGrantsLines) {
            Matcher m = TABLE_GRANT.matcher(line.trim());
            if (!m.matches() || m.group(1).startsWith("PROXY")) {
                continue;
            }
            Set<String> privs = new LinkedHashSet<>();
            for (String p : m.group(1).split(",")) {
                String norm = p.trim().toUpperCase(Locale.ROOT);
                if (!norm.equals("USAGE") && !norm.contains("(")) {
                    privs.add(norm);
                }
            }
            String db = m.group(2);
            String table = m.group(3);
            out.add(new TableGrant(unescape(db.substring(1, db.length() - 1).replace("``", "`")), table.substring(1, table.length() - 1).replace("``", "`"),
                    db + "." + table, privs, m.group(4) != null));
        }
        return out;
    }

    /** Privileges per database, whichever spelling granted them. */
    public static Map<String, Set<String>> databasePrivileges(List<String> showGrantsLines) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (DbGrant g : grants(showGrantsLines)) {
            out.computeIfAbsent(g.database(), k -> new LinkedHashSet<>()).addAll(g.privileges());
        }
        return out;
    }

    /** Grants name databases with _ and % escaped so they are not wildcards; SHOW GRANTS keeps the escapes. */
    private static String unescape(String db) {
        return db.replace("\\_", "_").replace("\\%", "%");
    }
}
