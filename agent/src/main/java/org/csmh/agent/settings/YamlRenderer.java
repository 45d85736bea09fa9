package org.csmh.agent.settings;

import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Renders values the way Ansible's to_nice_yaml (PyYAML, indent 4, sorted keys) does for the value types lms.yml
 * uses here: plain strings when they read back as the same string, single quotes otherwise, block mappings,
 * '{}' for an empty mapping.
 */
final class YamlRenderer {
    // YAML 1.1's implicit types, as both SnakeYAML and PyYAML resolve them: a plain scalar that resolves to
    // anything but a string (3306, 1:20, yes, null) must be quoted to stay a string.
    private static final Resolver RESOLVER = new Resolver();

    private final int indentUnit;

    YamlRenderer(int indentUnit) {
        this.indentUnit = indentUnit;
    }

    int indentUnit() {
        return indentUnit;
    }

    /** "KEY: value\n" or "KEY:\n" + nested block, every line starting at column {@code column}. */
    String entry(String key, Object value, int column) {
        StringBuilder out = new StringBuilder();
        appendEntry(out, key, value, column);
        return out.toString();
    }

    /** What follows "KEY" on its line: ": value\n" or ":\n" + nested block for a non-empty mapping. */
    String afterKey(Object value, int column) {
        StringBuilder out = new StringBuilder();
        appendValue(out, value, column);
        return out.toString();
    }

    private void appendEntry(StringBuilder out, String key, Object value, int column) {
        out.append(" ".repeat(column)).append(scalar(key));
        appendValue(out, value, column);
    }

    private void appendValue(StringBuilder out, Object value, int column) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append(":\n");
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                appendEntry(out, String.valueOf(e.getKey()), e.getValue(), column + indentUnit);
            }
        } else {
            out.append(": ").append(inline(value)).append('\n');
        }
    }

    static String inline(Object value) {
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        if (value instanceof Map<?, ?>) {
            throw new IllegalArgumentException("non-empty mapping is not inline");
        }
        return scalar(value);
    }

    static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        String s = value.toString();
        if (plainAllowed(s) && Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, s, true))) {
            return s;
        }
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return doubleQuoted(s);
        }
        return "'" + s.replace("'", "''") + "'";
    }

    /**
     * PyYAML's rule (Emitter.analyze_scalar) for a plain scalar in block context, which to_nice_yaml writes: not
     * empty, no leading or trailing space, no line break or unprintable character (unicode is printable there:
     * Ansible dumps with allow_unicode), no indicator at the start, no ': ' or ' #' inside and no ':' at the end.
     */
    static boolean plainAllowed(String s) {
        int n = s.length();
        if (n == 0 || s.charAt(0) == ' ' || s.charAt(n - 1) == ' ' || s.startsWith("---") || s.startsWith("...")) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean spaceAfter = i + 1 >= n || " \t\r\n\u0085\u2028\u2029".indexOf(s.charAt(i + 1)) >= 0;
            boolean printable = c == ' ' || (c > 0x20 && c < 0x7f) || c == 0x85 || (c >= 0xa0 && c <= 0xd7ff)
                    || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) || Character.isSurrogate(c);
            if (!printable) {
                return false;
            }
            if (i == 0) {
                if ("#,[]{}&*!|>'\"%@`".indexOf(c) >= 0 || ("?:-".indexOf(c) >= 0 && spaceAfter)) {
                    return false;
                }
            } else if (c == ':' && spaceAfter || c == '#' && s.charAt(i - 1) == ' ') {
                return false;
            }
        }
        return true;
    }

    private static String doubleQuoted(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
