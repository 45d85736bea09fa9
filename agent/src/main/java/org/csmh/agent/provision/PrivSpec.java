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
 * separated by '/'. Only database-level objects ({@code db.*}) are accepted: the procedure never needs global or
 * table grants, and refusing them keeps a typo from granting *.*.
 */
public record PrivSpec(Map<String, Set<String>> privilegesByDatabase) {

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
            if (!object.endsWith(".*")) {
                throw new InvalidInputException("invalid priv object " + SqlNames.printable(object)
                        + ": only database-level objects 'db.*' are supported");
            }
            String name = object.substring(0, object.length() - 2);
            if (name.length() > 2 && name.startsWith("`") && name.endsWith("`")) {
                name = name.substring(1, name.length() - 1);
            }
            String db = SqlNames.database(name);
            Set<String> privs = new LinkedHashSet<>();
            for (String p : part.substring(colon + 1).split(",")) {
                String norm = p.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
                if (!KNOWN.contains(norm)) {
                    throw new InvalidInputException("unknown privilege " + SqlNames.printable(p.trim())
                            + " in priv " + SqlNames.printable(text));
                }
                privs.add(norm.equals("ALL") ? "ALL PRIVILEGES" : norm);
            }
            if (out.put(db, privs) != null) {
                throw new InvalidInputException("database '" + db + "' appears twice in priv " + SqlNames.printable(text));
            }
        }
        return new PrivSpec(out);
    }

    public List<String> databases() {
        return new ArrayList<>(privilegesByDatabase.keySet());
    }
}
