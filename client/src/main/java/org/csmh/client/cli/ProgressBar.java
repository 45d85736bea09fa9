package org.csmh.client.cli;

import java.util.Locale;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Recount;

/** One line describing a job's progress, redrawn in place on a terminal. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private ProgressBar() {
    }

    static String render(Job j) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, j.getProgress())) * WIDTH);
        StringBuilder s = new StringBuilder();
        s.append(kind(j)).append(' ').append(j.getId()).append(" [").append("#".repeat(filled)).append(".".repeat(WIDTH - filled))
                .append("] ").append(String.format(Locale.ROOT, "%5.1f%%", j.getProgress() * 100))
                .append(String.format(Locale.ROOT, "  id %,d/%,d", j.getCurrentId(), j.getRangeEnd()))
                .append(String.format(Locale.ROOT, "  %,d rows", j.getRowsDone()))
                .append(String.format(Locale.ROOT, "  %,.0f rows/s", j.getRowsPerSecond()))
                .append("  ETA ").append(eta(j.getEtaSeconds()))
                .append("  ").append(state(j));
        if (j.hasRecount()) {
            s.append("  ").append(recount(j.getRecount()));
        }
        if (!j.getThrottleReason().isEmpty()) {
            s.append("  waiting: ").append(j.getThrottleReason());
        }
        if (j.getMismatchedRows() > 0) {
            s.append(String.format(Locale.ROOT, "  %,d rows differ", j.getMismatchedRows()));
        }
        return s.toString();
    }

    /**
     * The final recount, which the bar alone would show as a copy at 100% going nowhere: on a large table it can
     * read both whole tables, as long as a verify.
     */
    static String recount(Recount r) {
        return String.format(Locale.ROOT, "recounting ids %,d..%,d: %.1f%%", r.getRangeStart(), r.getRangeEnd(), r.getProgress() * 100);
    }

    static String kind(Job j) {
        return j.getKind().name().replace("JOB_KIND_", "").toLowerCase(Locale.ROOT);
    }

    static String state(Job j) {
        return j.getState().name().replace("JOB_STATE_", "").toLowerCase(Locale.ROOT);
    }

    static String eta(long seconds) {
        if (seconds < 0) {
            return "--:--:--";
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
