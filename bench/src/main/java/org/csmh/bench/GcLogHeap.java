package org.csmh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an agent JVM's GC log (-Xlog:gc) and reports the largest heap in use right after a collection: what the
 * process still held, not garbage waiting for the collector. Costs the measured process nothing, unlike
 * attaching a tool to it while it copies.
 */
final class GcLogHeap {
    private static final Pattern AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    record Peak(long peakAfterGcMb, long collections) {
    }

    private GcLogHeap() {
    }

    static String jvmFlag(Path log) {
        return "-Xlog:gc:file=" + log;
    }

    static Peak read(Path log) throws IOException {
        long peak = 0;
        long n = 0;
        if (!Files.exists(log)) {
            return new Peak(0, 0);
        }
        for (String line : Files.readAllLines(log)) {
            Matcher m = AFTER.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(2)));
                n++;
            }
        }
        return new Peak(peak, n);
    }
}
