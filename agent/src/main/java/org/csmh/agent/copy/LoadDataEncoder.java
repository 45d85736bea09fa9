package org.csmh.agent.copy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rows as LOAD DATA text: tab-separated, newline-terminated, backslash escapes, \N for NULL (the server's
 * defaults for FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n').
 */
final class LoadDataEncoder {
    private LoadDataEncoder() {
    }

    static byte[] encode(List<HistoryRow> rows) {
        StringBuilder sb = new StringBuilder(rows.size() * 480);
        for (HistoryRow r : rows) {
            sb.append(r.id()).append('\t');
            text(sb, r.version());
            sb.append('\t').append(r.created()).append('\t');
            text(sb, r.state());
            sb.append('\t');
            number(sb, r.grade());
            sb.append('\t');
            number(sb, r.maxGrade());
            sb.append('\t').append(r.studentModuleId()).append('\n');
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(sb.length() + 16);
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void number(StringBuilder sb, Double d) {
        if (d == null) {
            sb.append("\\N");
        } else {
            // Double.toString is the shortest text that parses back to the same double.
            sb.append(d.doubleValue());
        }
    }

    private static void text(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("\\N");
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\0' -> sb.append("\\0");
                default -> sb.append(c);
            }
        }
    }
}
