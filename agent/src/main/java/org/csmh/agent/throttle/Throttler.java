package org.csmh.agent.throttle;

import java.util.Map;
import org.csmh.agent.job.ThrottleState;
import org.csmh.proto.v1.Pace;

/**
 * Decides whether to wait before the next chunk. Pure: it gets readings, not connections. A metric that cannot
 * be read throttles too: going on blind is how a copy hurts a struggling primary.
 */
public final class Throttler {
    private Throttler() {
    }

    /**
     * Whether to wait, and whether the wait is blind (a metric could not be read).
     *
     * @param threadsRunning per server the job writes or reads ("" when there is one; "on the source", ... otherwise)
     */
    public static ThrottleState decide(Pace pace, Map<String, ThrottleMetrics.Reading> threadsRunning, Map<String, ThrottleMetrics.Reading> lag) {
        if (pace.getMaxThreadsRunning() > 0) {
            for (Map.Entry<String, ThrottleMetrics.Reading> e : threadsRunning.entrySet()) {
                String where = e.getKey().isEmpty() ? "" : " " + e.getKey();
                if (e.getValue().error() != null) {
                    return ThrottleState.blind("cannot read Threads_running" + where + ": " + e.getValue().error());
                }
                if (e.getValue().value() > pace.getMaxThreadsRunning()) {
                    return ThrottleState.waitFor("Threads_running " + e.getValue().value() + " > " + pace.getMaxThreadsRunning() + where);
                }
            }
        }
        for (Map.Entry<String, ThrottleMetrics.Reading> e : lag.entrySet()) {
            if (e.getValue().error() != null) {
                return ThrottleState.blind("cannot read replica lag of " + e.getKey() + ": " + e.getValue().error());
            }
            if (e.getValue().value() > pace.getMaxReplicaLagSeconds()) {
                return ThrottleState.waitFor("replica " + e.getKey() + " lags " + e.getValue().value() + " s > " + pace.getMaxReplicaLagSeconds() + " s");
            }
        }
        return ThrottleState.GO;
    }
}
