package org.csmh.agent.settings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The edxapp.yml variables that render the same lms.yml values, so the operator's next deploy keeps them.
 * Read back from the edited document rather than from the request, so they describe what the file now says.
 */
final class AnsibleOverrides {
    private AnsibleOverrides() {
    }

    static Map<String, String> from(Map<String, Object> lms) {
        Map<String, String> out = new LinkedHashMap<>();
        if (lms.get("DATABASES") instanceof Map<?, ?> dbs && dbs.get("student_module_history") instanceof Map<?, ?> h) {
            put(out, "EDXAPP_MYSQL_CSMH_DB_NAME", h.get("NAME"));
            put(out, "EDXAPP_MYSQL_CSMH_USER", h.get("USER"));
            if (h.get("PASSWORD") != null) {
                out.put("EDXAPP_MYSQL_CSMH_PASSWORD", SecretMasker.MASK);
            }
            put(out, "EDXAPP_MYSQL_CSMH_HOST", h.get("HOST"));
            put(out, "EDXAPP_MYSQL_CSMH_PORT", h.get("PORT"));
            if (h.get("OPTIONS") instanceof Map<?, ?> opts) {
                out.put("EDXAPP_MYSQL_CSMH_OPTIONS", opts.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                        .collect(Collectors.joining(", ", "{", "}")));
            }
        }
        if (lms.get("FEATURES") instanceof Map<?, ?> features) {
            put(out, "EDXAPP_ENABLE_CSMH_EXTENDED", features.get("ENABLE_CSMH_EXTENDED"));
            put(out, "EDXAPP_ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES", features.get("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"));
        }
        return out;
    }

    private static void put(Map<String, String> out, String key, Object value) {
        if (value != null) {
            out.put(key, value.toString());
        }
    }
}
