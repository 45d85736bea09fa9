package org.csmh.agent.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.csmh.proto.v1.Pace;
import org.junit.jupiter.api.Test;

/** The throttler decides from readings alone; an unreadable metric throttles too. */
class ThrottlerTest {
    private static final Pace PACE = Pace.newBuilder().setMaxThreadsRunning(50).setMaxReplicaLagSeconds(10).build();
    private static final java.time.Instant NOW = java.time.Instant.parse("2026-12-07T12:00:00Z");

    private static String reason(ThrottleMetrics.Reading threadsRunning, Map<String, ThrottleMetrics.Reading> lag) {
        return reason(PACE, threadsRunning, lag);
    }

    private static String reason(Pace pace, ThrottleMetrics.Reading threadsRunning, Map<String, ThrottleMetrics.Reading> lag) {
        return Throttler.decide(pace, Map.of("", Map.of("Threads_running", threadsRunning)), lag, NOW).reason();
    }

    private static ThrottleMetrics.Reading v(long value) {
        return new ThrottleMetrics.Reading(value, null);
    }

    @Test
    void goesOnWhenEveryReadingIsUnderItsLimit() {
        assertNull(reason(v(50), Map.of("r1", v(10))));
    }

    @Test
    void waitsForTheFirstReadingOverItsLimit() {
        assertEquals("Threads_running 51 > 50", reason(v(51), Map.of()));
        Map<String, ThrottleMetrics.Reading> lag = new LinkedHashMap<>();
        lag.put("r1", v(3));
        lag.put("r2", v(11));
        assertEquals("replica r2 lags 11 s > 10 s", reason(v(1), lag));
    }

    @Test
    void anUnreadableMetricThrottles() {
        assertEquals("cannot read Threads_running: denied", reason(new ThrottleMetrics.Reading(null, "denied"), Map.of()));
        assertEquals("cannot read replica lag of r1: not a replica",
                reason(v(1), Map.of("r1", new ThrottleMetrics.Reading(null, "not a replica"))));
    }

    @Test
    void aZeroThreadsLimitSwitchesThatCheckOff() {
        Pace off = PACE.toBuilder().setMaxThreadsRunning(0).build();
        assertNull(reason(off, new ThrottleMetrics.Reading(null, "unreadable"), Map.of()));
    }

    @Test
    void aBusySourceThrottlesACrossServerCopyAndSaysWhich() {
        Map<String, Map<String, ThrottleMetrics.Reading>> running = new LinkedHashMap<>();
        running.put("target", Map.of("Threads_running", v(3)));
        running.put("source", Map.of("Threads_running", v(80)));
        org.csmh.agent.job.ThrottleState s = Throttler.decide(PACE, running, Map.of(), NOW);
        assertEquals("Threads_running 80 > 50 on the source", s.reason());
        running.put("source", Map.of("Threads_running", new ThrottleMetrics.Reading(null, "denied")));
        s = Throttler.decide(PACE, running, Map.of(), NOW);
        assertEquals("cannot read Threads_running on the source: denied", s.reason());
        org.junit.jupiter.api.Assertions.assertTrue(s.blind());
    }

    @Test
    void anyStatusVariableThrottlesWithATypedCause() {
        Pace pace = PACE.toBuilder().addMaxLoad(org.csmh.proto.v1.LoadLimit.newBuilder().setName("Innodb_row_lock_current_waits").setLimit(10))
                .addMaxLoad(org.csmh.proto.v1.LoadLimit.newBuilder().setName("trx_rseg_history_len").setLimit(1_000_000)).build();
        Map<String, ThrottleMetrics.Reading> target = new LinkedHashMap<>();
        target.put("Threads_running", v(5));
        target.put("Innodb_row_lock_current_waits", v(3));
        target.put("trx_rseg_history_len", v(2_500_000));
        org.csmh.agent.job.ThrottleState s = Throttler.decide(pace, Map.of("target", target), Map.of(), NOW);
        assertEquals("trx_rseg_history_len 2500000 > 1000000 on the target", s.reason());
        assertEquals(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_LOAD, s.detail().getCause());
        assertEquals("trx_rseg_history_len", s.detail().getSignal());
        assertEquals("target", s.detail().getServer());
        assertEquals(2_500_000, s.detail().getValue());
        assertEquals(1_000_000, s.detail().getLimit());
        target.put("trx_rseg_history_len", new ThrottleMetrics.Reading(null, "the account lacks PROCESS"));
        s = Throttler.decide(pace, Map.of("target", target), Map.of(), NOW);
        assertEquals(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_UNREADABLE, s.detail().getCause());
        org.junit.jupiter.api.Assertions.assertTrue(s.blind());
    }

    @Test
    void theStricterOfTwoLimitsOnOneNameHolds() {
        Pace pace = PACE.toBuilder().addMaxLoad(org.csmh.proto.v1.LoadLimit.newBuilder().setName("THREADS_RUNNING").setLimit(20)).build();
        assertEquals(Map.of("Threads_running", 20L), LoadSignals.limits(pace));
        assertEquals("Threads_running 21 > 20", reason(pace, v(21), Map.of()));
    }

    @Test
    void aReplicaOverItsLimitIsTyped() {
        org.csmh.agent.job.ThrottleState s = Throttler.decide(PACE, Map.of(), Map.of("r1", v(12)), NOW);
        assertEquals(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_REPLICA_LAG, s.detail().getCause());
        assertEquals("r1", s.detail().getServer());
        assertEquals(12, s.detail().getValue());
    }

    @Test
    void outsideTheWindowNothingElseCountsAndTheResumeTimeIsGiven() {
        Pace night = PACE.toBuilder().setWindow("01:00-06:00").setTimeZone("Europe/Paris").build();
        // 12:00 UTC is 13:00 in Paris: closed until 01:00 Paris time the next day.
        org.csmh.agent.job.ThrottleState s = Throttler.decide(night, Map.of("", Map.of("Threads_running", v(1))), Map.of(), NOW);
        assertEquals(org.csmh.proto.v1.ThrottleCause.THROTTLE_CAUSE_OUTSIDE_WINDOW, s.detail().getCause());
        assertEquals("2026-12-08T01:00:00+01:00", s.detail().getResumesAt());
        assertEquals("outside the window 01:00-06:00 Europe/Paris; resumes at 2026-12-08T01:00:00+01:00", s.reason());
        // 02:30 Paris (01:30 UTC): open, and the load decides.
        java.time.Instant inside = java.time.Instant.parse("2026-12-08T01:30:00Z");
        assertNull(Throttler.decide(night, Map.of("", Map.of("Threads_running", v(1))), Map.of(), inside).reason());
        assertEquals("Threads_running 51 > 50", Throttler.decide(night, Map.of("", Map.of("Threads_running", v(51))), Map.of(), inside).reason());
    }
}
