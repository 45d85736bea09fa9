package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IdRateMeterTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;

    @Test
    void chunksThatEndTogetherCountFromTheRunsStart() {
        // Two writers committing in id order: 20,000 rows over 430 ms, the second chunk 2 ms after the first.
        IdRateMeter m = new IdRateMeter(0);
        m.add(428 * MS, 10_000, 10_000);
        m.add(430 * MS, 10_000, 10_000);
        assertEquals(20_000 / 0.430, m.rowsPerSecond(), 1.0);
        assertEquals(20_000 / 0.430, m.idsPerSecond(), 1.0);
    }

    @Test
    void aLongRunIsCountedOverItsLastThirtySeconds() {
        IdRateMeter m = new IdRateMeter(0);
        // 100 rows/s for the first minute, then 1,000 ids a second holding 500 rows (a table with holes).
        for (int s = 1; s <= 60; s++) {
            m.add(s * S, 100, 100);
        }
        for (int s = 61; s <= 120; s++) {
            m.add(s * S, 1000, 500);
        }
        assertEquals(500, m.rowsPerSecond(), 1e-6);
        assertEquals(1000, m.idsPerSecond(), 1e-6);
    }

    @Test
    void aNewRunForgetsTheOldOnesPace() {
        IdRateMeter m = new IdRateMeter(0);
        m.add(S, 1_000_000, 1_000_000);
        m.reset(10 * S);
        assertEquals(0, m.rowsPerSecond(), "nothing done yet in this run");
        m.add(12 * S, 2000, 2000);
        assertEquals(1000, m.rowsPerSecond(), 1e-6);
    }
}
