package org.csmh.agent.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.csmh.agent.util.InvalidInputException;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.Pace;
import org.junit.jupiter.api.Test;

class PaceRulesTest {
    @Test
    void seedScriptDefaults() {
        Pace copy = PaceRules.defaults(JobKind.JOB_KIND_COPY);
        assertEquals(10_000, copy.getChunkSize());
        assertEquals(2000, copy.getSleepMs());
        Pace purge = PaceRules.defaults(JobKind.JOB_KIND_PURGE);
        assertEquals(20_000, purge.getChunkSize());
        assertEquals(3000, purge.getSleepMs());
        assertEquals(0, PaceRules.defaults(JobKind.JOB_KIND_VERIFY).getSleepMs());
        assertEquals(600, copy.getMaxUnreadableSeconds());
    }

    @Test
    void onlyGivenFieldsChangeAndEachIsClamped() {
        Pace base = PaceRules.defaults(JobKind.JOB_KIND_COPY);
        Pace merged = PaceRules.merge(base, Pace.newBuilder().setChunkSize(5).setTargetChunkMs(10).build());
        assertEquals(100, merged.getChunkSize());
        assertEquals(50, merged.getTargetChunkMs());
        assertEquals(2000, merged.getSleepMs(), "untouched");
        assertEquals(0, PaceRules.merge(base, Pace.newBuilder().setTargetChunkMs(0).build()).getTargetChunkMs(), "0 turns it off");
    }

    @Test
    void uint32AboveTwoToThe31IsHugeNotNegative() {
        Pace merged = PaceRules.merge(PaceRules.defaults(JobKind.JOB_KIND_COPY), Pace.newBuilder().setChunkSize(-1).setSleepMs(-1)
                .setMaxReplicaLagSeconds(-1).build());
        assertEquals(1_000_000, merged.getChunkSize());
        assertEquals(600_000, merged.getSleepMs());
        assertEquals(86_400, merged.getMaxReplicaLagSeconds());
    }

    @Test
    void anUnknownReplicaIsRefusedAndNamedBriefly() {
        String name = "r".repeat(1 << 20);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PaceRules.forRequest(JobKind.JOB_KIND_COPY,
                Pace.newBuilder().addReplicaEndpoints(name).build(), n -> false));
        assertTrue(e.getMessage().length() < 200, "length " + e.getMessage().length());
        assertEquals("replica1", PaceRules.forRequest(JobKind.JOB_KIND_COPY, Pace.newBuilder().addReplicaEndpoints("replica1").build(),
                n -> true).getReplicaEndpoints(0));
    }

    @Test
    void maxLoadReplacesTheListAndZeroRemovesAName() {
        org.csmh.proto.v1.LoadLimit waits = org.csmh.proto.v1.LoadLimit.newBuilder().setName("Innodb_row_lock_current_waits").setLimit(10).build();
        org.csmh.proto.v1.LoadLimit hist = org.csmh.proto.v1.LoadLimit.newBuilder().setName("trx_rseg_history_len").setLimit(1_000_000).build();
        Pace base = PaceRules.merge(PaceRules.defaults(JobKind.JOB_KIND_COPY), Pace.newBuilder().addMaxLoad(waits).addMaxLoad(hist).build());
        assertEquals(java.util.List.of(waits, hist), base.getMaxLoadList());
        Pace changed = PaceRules.merge(base, Pace.newBuilder().addMaxLoad(hist.toBuilder().setLimit(0)).build());
        assertEquals(java.util.List.of(), changed.getMaxLoadList());
        assertEquals(java.util.List.of(waits, hist), PaceRules.merge(base, Pace.newBuilder().setChunkSize(500).build()).getMaxLoadList());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PaceRules.merge(base,
                Pace.newBuilder().addMaxLoad(waits.toBuilder().setName("x'; DROP TABLE t")).build()));
        assertEquals("max_load name 'x'; DROP TABLE t' is neither a status variable name nor a built-in signal (trx_rseg_history_len)", e.getMessage());
    }

    @Test
    void aWindowIsCheckedAndItsZoneFixedWhenSet() {
        Pace p = PaceRules.merge(PaceRules.defaults(JobKind.JOB_KIND_COPY), Pace.newBuilder().setWindow(" 01:00-06:00 ").build());
        assertEquals("01:00-06:00", p.getWindow());
        assertEquals(java.time.ZoneId.systemDefault().getId(), p.getTimeZone());
        Pace paris = PaceRules.merge(p, Pace.newBuilder().setTimeZone("Europe/Paris").build());
        assertEquals("Europe/Paris", paris.getTimeZone());
        assertEquals("", PaceRules.merge(paris, Pace.newBuilder().setWindow("").build()).getWindow());
        assertThrows(InvalidInputException.class, () -> PaceRules.merge(p, Pace.newBuilder().setWindow("25:00-26:00").build()));
        assertThrows(InvalidInputException.class, () -> PaceRules.merge(p, Pace.newBuilder().setTimeZone("Nowhere/Town").build()));
    }
}
