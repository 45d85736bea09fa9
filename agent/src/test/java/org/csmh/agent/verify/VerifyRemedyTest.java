package org.csmh.agent.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.csmh.proto.v1.Mismatch;
import org.junit.jupiter.api.Test;

/** A failed verify says what to do, from the differing chunks' row counts. */
class VerifyRemedyTest {
    private static Mismatch chunk(long source, long target) {
        return Mismatch.newBuilder().setSourceRows(source).setTargetRows(target).build();
    }

    @Test
    void fewerRowsInTheNewTableMeanCopyAgain() {
        assertEquals(": the new table has fewer rows there; copy again (a copy over rows already there recounts its range and copies"
                + " what is missing), then verify", VerifyRunner.remedy(List.of(chunk(1000, 999), chunk(1000, 998))));
    }

    @Test
    void asManyOrMoreRowsMeanAnotherWriter() {
        String r = VerifyRunner.remedy(List.of(chunk(1000, 1000), chunk(1000, 1001)));
        assertTrue(r.startsWith(": the new table holds rows the old one does not, or other rows at old ids"), r);
    }

    @Test
    void bothKindsSayWhichIsWhich() {
        String r = VerifyRunner.remedy(List.of(chunk(1000, 999), chunk(1000, 1000)));
        assertTrue(r.startsWith(": in 1 of them the new table has fewer rows (copy again"), r);
        assertTrue(r.contains("; in the others the new table holds rows the old one does not"), r);
    }
}
