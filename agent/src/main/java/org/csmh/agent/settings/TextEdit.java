package org.csmh.agent.settings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Replace chars [start, end) of the original text; edits never overlap and are applied back to front. */
record TextEdit(int start, int end, String replacement, int sequence) {

    static String apply(String text, List<TextEdit> edits) {
        List<TextEdit> sorted = new ArrayList<>(edits);
        // Back to front keeps earlier offsets valid; for two inserts at one offset the later-planned goes in first,
        // so the earlier-planned (smaller key) ends up above it.
        sorted.sort(Comparator.comparingInt(TextEdit::start).thenComparingInt(TextEdit::sequence).reversed());
        StringBuilder out = new StringBuilder(text);
        int limit = Integer.MAX_VALUE;
        for (TextEdit e : sorted) {
            if (e.end() > limit) {
                throw new IllegalStateException("overlapping YAML edits");
            }
            out.replace(e.start(), e.end(), e.replacement());
            limit = e.start();
        }
        return out.toString();
    }
}
