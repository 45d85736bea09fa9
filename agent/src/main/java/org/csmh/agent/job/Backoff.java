package org.csmh.agent.job;

/** Waits between retries after a database error: 1 s doubling to 30 s, giving up after a total budget. */
final class Backoff {
    private final long budgetMillis;
    private final java.util.function.LongSupplier clock;
    private long streakStart;
    private long delay;

    Backoff(long budgetMillis) {
        this(budgetMillis, System::currentTimeMillis);
    }

    Backoff(long budgetMillis, java.util.function.LongSupplier clock) {
        this.budgetMillis = budgetMillis;
        this.clock = clock;
    }

    /** The next wait, or -1 when this streak of errors has used up the budget. */
    long next() {
        long now = clock.getAsLong();
        if (streakStart == 0) {
            streakStart = now;
            delay = 1000;
        } else {
            delay = Math.min(30_000, delay * 2);
        }
        return now - streakStart + delay > budgetMillis ? -1 : delay;
    }

    /** Progress was made: the next error starts a new streak. */
    void reset() {
        streakStart = 0;
    }
}
