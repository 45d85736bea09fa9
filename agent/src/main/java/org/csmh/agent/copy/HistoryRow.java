package org.csmh.agent.copy;

/**
 * One history row in transit between servers, as the source's text-protocol bytes per column (null for NULL):
 * no decoding to Java strings and back, so rows cost little CPU and arrive byte for byte. Column order is
 * {@link #COLUMNS}.
 */
record HistoryRow(byte[][] cells) {
    static final String COLUMNS = "id, version, created, state, grade, max_grade, student_module_id";
    static final int WIDTH = 7;

    long weight() {
        long w = 64 + 16L * WIDTH;
        for (byte[] c : cells) {
            w += c == null ? 0 : c.length;
        }
        return w;
    }

    long id() {
        return Long.parseLong(new String(cells[0], java.nio.charset.StandardCharsets.US_ASCII));
    }
}
