package org.csmh.agent.job;

import java.util.ArrayDeque;

/** Recent ids/s (for the ETA over the id range) and rows/s (for display), over the last 30 seconds of chunks. */
final class IdRateMeter {
    private static final long WINDOW = 30_000_000_000L;

    private record Sample(long nanos, long ids, long rows) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long ids;
    private long rows;
    private long startedAt = System.nanoTime();

    void add(long nanos, long chunkIds, long chunkRows) {
        ids += chunkIds;
        rows += chunkRows;
        samples.addLast(new Sample(nanos, ids, rows));
        while (samples.size() > 1 && samples.peekFirst().nanos() < nanos - WINDOW) {
            samples.removeFirst();
        }
    }

    void reset() {
        samples.clear();
        ids = 0;
        rows = 0;
        startedAt = System.nanoTime();
    }

    double idsPerSecond() {
        return rate(true);
    }

    double rowsPerSecond() {
        return rate(false);
    }

    private double rate(boolean ofIds) {
        if (samples.isEmpty()) {
            return 0;
        }
        Sample last = samples.peekLast();
        Sample first = samples.size() > 1 ? samples.peekFirst() : new Sample(startedAt, 0, 0);
        long span = last.nanos() - first.nanos();
        if (span <= 0) {
            return 0;
        }
        long amount = ofIds ? last.ids() - first.ids() : last.rows() - first.rows();
        return amount * 1e9 / span;
    }
}
