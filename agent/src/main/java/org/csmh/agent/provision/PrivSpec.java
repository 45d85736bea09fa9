package org.csmh.agent.provision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.util.InvalidInputException;

/**
 * community.mysql's privilege string, e.g. {@code edxapp_csmh.*:SELECT,INSERT,UPDATE,DELETE}; several objects are
 * separated by '/'. Objects are databases ({@code db.*}) or, for global privileges such as PROCESS or REPLICATION
 * CLIENT (which a throttled copy's lag reading needs), {@code *.*} (monitoring privileges only); table grants are not needed by the procedure and
 * are refused. GRANT in a list means WITH GRANT OPTION, as in community.mysql. Global privileges are accepted only
 * on {@code *.*}, so a typo cannot hand out a server-wide right on a database.
 */
public record PrivSpec(Map<String, Set<String>> privilegesByDatabase) {
    /** The WITH GRANT OPTION marker in a privilege list. */
    public static final String GRANT_OPTION = "GRANT";
    /**
     * What may be granted on *.*: the monitoring privileges the procedure's own accounts can need (reading replica lag
     * and Threads_running). Data privileges on *.* (a typo for db.*) and powerful ones (SUPER, FILE, CREATE USER) are
     * refused: the procedure never needs them.
     */
    static final Set<String> GLOBAL_ONLY = Set.of("PROCESS", "REPLICATION CLIENT", "REPLICA MONITOR", "SLAVE MONITOR",
            "BINLOG MONITOR", "SHOW DATABASES");

    static final Set<String> KNOWN = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX",
            "REFERENCES", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW",
            "CREATE ROUTINE", "ALTER ROUTINE", "EVENT", "TRIGGER", "ALL", "ALL PRIVILEGES");

    public static PrivSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("priv is empty: expected 'db.*:PRIV,PRIV'");
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String part : text.split("/")) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0 || colon == part.length() - 1) {
                throw new InvalidInputException("invalid priv " + SqlNames.printable(text)
                        + ": expected 'db.*:PRIV,PRIV' (objects separated by '/')");
            }
            String object = part.substring(0, colon).trim();
            if (object.equals("*.*")) {
                Set<String> privs = privileges(part.substring(colon + 1), text, true);
                if (out.put(org.csmh.agent.mysql.GrantParser.GLOBAL, privs) != null) {
                    throw new InvalidInputException("*.* appears twice in priv " + SqlNames.printable(text));
                }
                continue;
            }
            if (!object.endsWith(".*")) {
                throw new InvalidInputException("invalid priv object " + SqlNames.printable(object)
                        + ": only database-level objects 'db.*' are supported");
            }
            String name = object.substring(0, object.length() - 2);
            if (name.length() > 2 && name.startsWith("`") && name.endsWith("`")) {
                name = name.substring(1, name.length() - 1);
            }
            String db = SqlNames.database(name);
            Set<String> privs = privileges(part.substring(colon + 1), text, false);
            if (out.put(db, privs) != null) {
                throw new InvalidInputException("database '" + db + "' appears twice in priv " + SqlNames.printable(text));
            }
        }
        return new PrivSpec(out);
    }

    private static Set<String> privileges(String list, String text, boolean global) {
        Set<String> privs = new LinkedHashSet<>();
        for (String p : list.split(",")) {
            String norm = p.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (GLOBAL_ONLY.contains(norm) && !global) {
                throw new InvalidInputException(norm + " is a global privilege: give it on *.* (e.g. '*.*:" + norm + "')");
            }
            if (global && !GLOBAL_ONLY.contains(norm)) {
                throw new InvalidInputException("privilege " + SqlNames.printable(p.trim()) + " is not accepted on *.* (only "
                        + String.join(", ", new java.util.TreeSet<>(GLOBAL_ONLY)) + "): grant data privileges on db.*");
            }
            if (!KNOWN.contains(norm) && !GLOBAL_ONLY.contains(norm) && !norm.equals(GRANT_OPTION)) {
                throw new InvalidInputException("unknown privilege " + SqlNames.printable(p.trim()) + " in priv " + SqlNames.printable(text));
            }
            privs.add(norm.equals("ALL") ? "ALL PRIVILEGES" : norm);
        }
        return privs;
    }

    public List<String> databases() {
        return new ArrayList<>(privilegesByDatabase.keySet());
    }
}
