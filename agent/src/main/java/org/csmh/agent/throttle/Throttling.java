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
        return () -> Throttler.decide(job.control().pace(), metrics.threadsRunning(server),
                metrics.replicaLag(job.control().pace().getReplicaEndpointsList()));
    }
}
