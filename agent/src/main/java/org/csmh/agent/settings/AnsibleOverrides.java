package org.csmh.agent.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edxapp.yml variables that render the same lms.yml values, so the operator's next deploy keeps them, and what
 * that deploy would change anyway. Read back from the edited document rather than from the request, so they describe
 * what the file now says. Values keep their YAML types (edxapp.yml renders them with to_nice_yaml): a string 'false'
 * would be true to Python.
 */
final class AnsibleOverrides {
    private AnsibleOverrides() {
    }

    /** Variable -> value as the document types it (the password masked). */
    static Map<String, Object> from(Map<String, Object> lms) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<?, ?> h = entry(lms, "student_module_history");
        if (h != null) {
            put(out, "EDXAPP_MYSQL_CSMH_DB_NAME", h.get("NAME"));
            put(out, "EDXAPP_MYSQL_CSMH_USER", h.get("USER"));
            if (h.get("PASSWORD") != null) {
                out.put("EDXAPP_MYSQL_CSMH_PASSWORD", SecretMasker.MASK);
            }
            put(out, "EDXAPP_MYSQL_CSMH_HOST", h.get("HOST"));
            put(out, "EDXAPP_MYSQL_CSMH_PORT", h.get("PORT"));
            put(out, "EDXAPP_MYSQL_CSMH_OPTIONS", h.get("OPTIONS"));
        }
        // Wherever the file sets them (top-level in flattened settings, or under FEATURES): the value is what counts.
        put(out, "EDXAPP_ENABLE_CSMH_EXTENDED", FeatureFlag.read(lms, FeatureFlag.CSMH_EXTENDED).value());
        put(out, "EDXAPP_ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES", FeatureFlag.read(lms, FeatureFlag.READ_MULTIPLE).value());
        return out;
    }

    /** The overrides with each value as JSON (typed and quoted; JSON is YAML, so also ready for a vars file). */
    static Map<String, String> json(Map<String, Object> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        overrides.forEach((k, v) -> out.put(k, JsonLiteral.of(v)));
        return out;
    }

    /** The deprecated text form: every value as its string. */
    static Map<String, String> text(Map<String, Object> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        overrides.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> ? JsonLiteral.of(v) : String.valueOf(v)));
        return out;
    }

    /**
     * What edxapp.yml would still change: it renders student_module_history's CONN_MAX_AGE from EDXAPP_MYSQL_CONN_MAX_AGE,
     * the variable DATABASES.default is rendered from too, and has no variable of its own for it.
     */
    static List<String> nextDeployChanges(Map<String, Object> lms) {
        List<String> out = new ArrayList<>();
        Map<?, ?> h = entry(lms, "student_module_history");
        Map<?, ?> d = entry(lms, "default");
        if (h != null && d != null && !String.valueOf(h.get("CONN_MAX_AGE")).equals(String.valueOf(d.get("CONN_MAX_AGE")))) {
            out.add("DATABASES.student_module_history.CONN_MAX_AGE " + h.get("CONN_MAX_AGE") + " -> " + d.get("CONN_MAX_AGE")
                    + ": edxapp.yml renders it from EDXAPP_MYSQL_CONN_MAX_AGE, as DATABASES.default's (no variable of its own)");
        }
        return out;
    }

    /**
     * A flag set at the top level of a settings file: the configuration role renders FEATURES from EDXAPP_FEATURES
     * (what EDXAPP_ENABLE_* feed) and a top-level key only from EDXAPP_LMS_ENV_EXTRA / EDXAPP_CMS_ENV_EXTRA (which
     * default to EDXAPP_ENV_EXTRA), which its template applies over everything else. The next deploy writes back
     * whatever that variable holds: it must say what the file says now.
     */
    static List<String> topLevelFlags(Map<String, Object> doc, String file, String variable) {
        List<String> out = new ArrayList<>();
        for (String name : List.of(FeatureFlag.CSMH_EXTENDED, FeatureFlag.READ_MULTIPLE)) {
            if (doc.containsKey(name)) {
                out.add(file + " sets " + name + ": " + doc.get(name) + " at the top level, which the configuration role renders only"
                        + " from " + variable + " (or EDXAPP_ENV_EXTRA, its default): the next edxapp deploy puts back the value there;"
                        + " set " + name + ": " + doc.get(name) + " in " + variable);
            }
        }
        return out;
    }

    private static Map<?, ?> entry(Map<String, Object> lms, String name) {
        return lms.get("DATABASES") instanceof Map<?, ?> dbs && dbs.get(name) instanceof Map<?, ?> m ? m : null;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    /** JSON text of the values a YAML document holds: strings, numbers, booleans, null, lists and maps. */
    static final class JsonLiteral {
        private JsonLiteral() {
        }

        static String of(Object v) {
            StringBuilder out = new StringBuilder();
            write(out, v);
            return out.toString();
        }

        private static void write(StringBuilder out, Object v) {
            if (v == null) {
                out.append("null");
            } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
                out.append(v);
            } else if (v instanceof Number n) {
                double x = n.doubleValue();
                out.append(Double.isFinite(x) ? Double.toString(x) : quote(Double.toString(x)));
            } else if (v instanceof Map<?, ?> m) {
                out.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(sep).append(quote(String.valueOf(e.getKey()))).append(": ");
                    write(out, e.getValue());
                    sep = ", ";
                }
                out.append('}');
            } else if (v instanceof List<?> l) {
                out.append('[');
                String sep = "";
                for (Object x : l) {
                    out.append(sep);
                    write(out, x);
                    sep = ", ";
                }
                out.append(']');
            } else {
                out.append(quote(String.valueOf(v)));
            }
        }

        private static String quote(String s) {
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }
    }
}
