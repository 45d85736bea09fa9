package org.csmh.agent.job;

/** Ids first..last inclusive. */
public record IdRange(long first, long last) {
    public IdRange {
        if (last < first) {
            throw new IllegalArgumentException("empty range " + first + ".." + last);
        }
    }

    /** Ids above this are refused in requests: CSMH's id is an int, and arithmetic on the range must not overflow. */
    public static final long MAX_REQUESTED_ID = 1L << 62;

    /** Checks a requested range (uint64 fields; 0 = the default at that end). */
    public static void checkRequested(long start, long end) {
        org.csmh.agent.util.Unsigned.atMost(start, MAX_REQUESTED_ID, "range_start");
        org.csmh.agent.util.Unsigned.atMost(end, MAX_REQUESTED_ID, "range_end");
        if (end != 0 && start > end) {
            throw new org.csmh.agent.util.InvalidInputException("range_start " + start + " is above range_end " + end);
        }
    }

    /**
     * The done share, 0..1, of ids first..last when every id up to doneThrough is done: a job's progress and its
     * final recount's. An empty range (last below first) counts as one id.
     */
    public static double doneShare(long first, long doneThrough, long last) {
        double span = Math.max(1, last - first + 1);
        return Math.max(0, Math.min(1, (doneThrough - first + 1) / span));
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
