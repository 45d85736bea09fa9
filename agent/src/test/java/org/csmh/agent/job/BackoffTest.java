package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromOneSecondToThirtyAndGivesUpAtTheBudget() {
        AtomicLong now = new AtomicLong(1_000_000);
        Backoff b = new Backoff(100_000, now::get);
        long[] expected = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (long e : expected) {
            long wait = b.next();
            assertEquals(e, wait);
            now.addAndGet(wait);
        }
        // 91 s spent in this streak: another 30 s would pass the 100 s budget.
        assertEquals(-1, b.next());
    }

    @Test
    void progressStartsANewStreak() {
        AtomicLong now = new AtomicLong(5_000);
        Backoff b = new Backoff(10_000, now::get);
        assertEquals(1000, b.next());
        now.addAndGet(9_500);
        b.reset();
        assertEquals(1000, b.next(), "a fresh budget and delay after progress");
    }
}
