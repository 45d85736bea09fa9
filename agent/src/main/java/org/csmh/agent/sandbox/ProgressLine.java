package org.csmh.agent.sandbox;

import java.io.PrintStream;

/** A one-line text progress bar, redrawn in place with a carriage return. */
final class ProgressLine {
    private ProgressLine() {
    }

    static void print(PrintStream out, String label, long done, long total) {
        int width = 30;
        int filled = total == 0 ? width : (int) (width * done / total);
        out.printf("\r%-40s [%s%s] %,d/%,d%s", label, "#".repeat(filled), ".".repeat(width - filled), done, total, done >= total ? "\n" : "");
        out.flush();
    }
}
