package org.csmh.agent.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the value of every line whose key looks secret, changed or context, so a diff of lms.yml can be shown
 * or logged: lms.yml also holds SECRET_KEY, AWS keys and other services' passwords next to the lines we edit.
 */
final class SecretMasker {
    static final String MASK = "********";
    private static final Pattern SECRET_LINE = Pattern.compile(
            "^([-+ ]?\\s*['\"]?[A-Za-z0-9_.-]*(?i:password|passwd|secret|token|_key|apikey|api_key|credential)[A-Za-z0-9_.-]*['\"]?\\s*:\\s*)(\\S.*)$");

    private SecretMasker() {
    }

    static String mask(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = SECRET_LINE.matcher(line);
            out.append(m.matches() ? m.group(1) + MASK : line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }
}
