package org.csmh.agent.mysql;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads SHOW GRANTS lines (MySQL 8 and MariaDB spellings) into privileges per database. */
public final class GrantParser {
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (`(?:[^`]|``)+`|\\*)\\.\\* TO .*$");

    private GrantParser() {
    }

    public static Map<String, Set<String>> databasePrivileges(List<String> showGrantsLines) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String line : showGrantsLines) {
            Matcher m = GRANT.matcher(line.trim());
            if (!m.matches() || m.group(2).equals("*") || m.group(1).startsWith("PROXY")) {
                continue;
            }
            String db = unescape(m.group(2).substring(1, m.group(2).length() - 1).replace("``", "`"));
            Set<String> privs = out.computeIfAbsent(db, k -> new LinkedHashSet<>());
            for (String p : m.group(1).split(",")) {
                String norm = p.trim().toUpperCase(Locale.ROOT);
                if (!norm.equals("USAGE")) {
                    privs.add(norm);
                }
            }
        }
        return out;
    }

    /** Grants name databases with _ and % escaped so they are not wildcards; SHOW GRANTS keeps the escapes. */
    private static String unescape(String db) {
        return db.replace("\\_", "_").replace("\\%", "%");
    }
}
