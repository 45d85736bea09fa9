package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IdRangeTest {
    @Test
    void doneShareOfARange() {
        assertEquals(0.4, IdRange.doneShare(1, 400_000, 1_000_000), 1e-12);
        assertEquals(0.5, IdRange.doneShare(900_001, 950_000, 1_000_000), 1e-12, "a range that starts above 1");
        assertEquals(0.0, IdRange.doneShare(1, 0, 1_000_000), "nothing done yet");
        assertEquals(1.0, IdRange.doneShare(1, 1_000_000, 1_000_000));
        assertEquals(0.0, IdRange.doneShare(1, 0, 0), "an empty range: no division by zero");
    }
}
