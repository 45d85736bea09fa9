package org.csmh.agent.throttle;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.csmh.agent.job.ThrottleState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.Throttle;
import org.csmh.proto.v1.ThrottleCause;

/**
 * Decides whether to wait before the next chunk. Pure: it gets readings and the time, not connections or clocks. A
 * signal that cannot be read throttles too: going on blind is how a copy hurts a struggling primary.
 */
public final class Throttler {
    private Throttler() {
    }

    /**
     * Whether to wait, why, and whether the wait is blind (a signal could not be read). Checked in this order: the
     * quiet-hours window, each server's load signals, each replica's lag.
     *
     * @param load per server the job writes or reads ("" when there is one; "target", "source" otherwise), the
     *             readings of the signals {@link LoadSignals#limits} names
     */
    public static ThrottleState decide(Pace pace, Map<String, Map<String, ThrottleMetrics.Reading>> load, Map<String, ThrottleMetrics.Reading> lag,
            Instant now) {
        ThrottleState closed = outsideWindow(pace, now);
        if (closed != null) {
            return closed;
        }
        Map<String, Long> limits = LoadSignals.limits(pace);
        for (Map.Entry<String, Map<String, ThrottleMetrics.Reading>> server : load.entrySet()) {
            String where = server.getKey().isEmpty() ? "" : " on the " + server.getKey();
            for (Map.Entry<String, Long> limit : limits.entrySet()) {
                ThrottleMetrics.Reading r = server.getValue().get(limit.getKey());
                Throttle.Builder t = Throttle.newBuilder().setSignal(limit.getKey()).setServer(server.getKey());
                if (r == null || r.error() != null) {
                    String why = r == null ? "not read" : r.error();
                    return ThrottleState.of(t.setCause(ThrottleCause.THROTTLE_CAUSE_UNREADABLE).build(), "cannot read " + limit.getKey() + where + ": " + why);
                }
                if (r.value() > limit.getValue()) {
                    return ThrottleState.of(t.setCause(ThrottleCause.THROTTLE_CAUSE_LOAD).setValue(r.value()).setLimit(limit.getValue()).build(),
                            limit.getKey() + " " + r.value() + " > " + limit.getValue() + where);
                }
            }
        }
        for (Map.Entry<String, ThrottleMetrics.Reading> e : lag.entrySet()) {
            Throttle.Builder t = Throttle.newBuilder().setSignal("replica lag").setServer(e.getKey());
            if (e.getValue().error() != null) {
                return ThrottleState.of(t.setCause(ThrottleCause.THROTTLE_CAUSE_UNREADABLE).build(),
                        "cannot read replica lag of " + e.getKey() + ": " + e.getValue().error());
            }
            if (e.getValue().value() > pace.getMaxReplicaLagSeconds()) {
                return ThrottleState.of(t.setCause(ThrottleCause.THROTTLE_CAUSE_REPLICA_LAG).setValue(e.getValue().value())
                                .setLimit(pace.getMaxReplicaLagSeconds()).build(),
                        "replica " + e.getKey() + " lags " + e.getValue().value() + " s > " + pace.getMaxReplicaLagSeconds() + " s");
            }
        }
        return ThrottleState.GO;
    }

    /** Null while the pace's window is open (or it has none); the wait and when it ends otherwise. */
    public static ThrottleState outsideWindow(Pace pace, Instant now) {
        QuietWindow window = QuietWindow.parse(pace.getWindow(), pace.getTimeZone());
        if (window == null || window.open(now)) {
            return null;
        }
        ZonedDateTime opens = window.nextOpen(now);
        String at = opens.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return ThrottleState.of(Throttle.newBuilder().setCause(ThrottleCause.THROTTLE_CAUSE_OUTSIDE_WINDOW).setResumesAt(at).build(),
                "outside the window " + window + "; resumes at " + at);
    }
}
