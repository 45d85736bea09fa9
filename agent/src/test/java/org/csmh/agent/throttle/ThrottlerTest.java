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

    private static String reason(ThrottleMetrics.Reading threadsRunning, Map<String, ThrottleMetrics.Reading> lag) {
        return reason(PACE, threadsRunning, lag);
    }

    private static String reason(Pace pace, ThrottleMetrics.Reading threadsRunning, Map<String, ThrottleMetrics.Reading> lag) {
        return Throttler.decide(pace, Map.of("", threadsRunning), lag).reason();
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
        Map<String, ThrottleMetrics.Reading> running = new LinkedHashMap<>();
        running.put("on the target", v(3));
        running.put("on the source", v(80));
        org.csmh.agent.job.ThrottleState s = Throttler.decide(PACE, running, Map.of());
        assertEquals("Threads_running 80 > 50 on the source", s.reason());
        running.put("on the source", new ThrottleMetrics.Reading(null, "denied"));
        s = Throttler.decide(PACE, running, Map.of());
        assertEquals("cannot read Threads_running on the source: denied", s.reason());
        org.junit.jupiter.api.Assertions.assertTrue(s.blind());
    }
}
