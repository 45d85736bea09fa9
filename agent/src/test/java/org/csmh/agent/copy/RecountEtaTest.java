package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecountEtaTest {
    private static final long S = 1_000_000_000L;

    @Test
    void unknownBeforeAnyIdIsDone() {
        assertEquals(-1, LateCommits.recountEta(1, 0, 1_000_000, 5 * S));
    }

    @Test
    void theRestAtThePaceSoFar() {
        // 250,000 of 1,000,000 ids in 10 s: 30 s left.
        assertEquals(30, LateCommits.recountEta(1, 250_000, 1_000_000, 10 * S));
        // A recount that starts at reconcile_from, not at 1.
        assertEquals(2, LateCommits.recountEta(900_001, 950_000, 1_000_000, 2 * S));
    }
}
