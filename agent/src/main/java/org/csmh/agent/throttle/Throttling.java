package org.csmh.agent.throttle;

import java.sql.Connection;
import java.util.function.Supplier;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.ThrottleState;

/** The throttle check every walker uses: current pace, Threads_running on {@code server}, replica lag. */
public final class Throttling {
    private Throttling() {
    }

    public static Supplier<ThrottleState> of(ThrottleMetrics metrics, JobHandle job, Connection server) {
        return () -> Throttler.decide(job.control().pace(), java.util.Map.of("", metrics.threadsRunning(server)),
                metrics.replicaLag(job.control().pace().getReplicaEndpointsList()));
    }

    /**
     * Cross-server: the target takes the writes, but the source is the LMS's production primary serving the reads,
     * so a busy source throttles the copy too.
     */
    public static Supplier<ThrottleState> of(ThrottleMetrics metrics, JobHandle job, Connection target, Connection source) {
        return () -> {
            java.util.Map<String, ThrottleMetrics.Reading> running = new java.util.LinkedHashMap<>();
            running.put("on the target", metrics.threadsRunning(target));
            running.put("on the source", metrics.threadsRunning(source));
            return Throttler.decide(job.control().pace(), running, metrics.replicaLag(job.control().pace().getReplicaEndpointsList()));
        };
    }
}
