package org.csmh.agent.copy;

import java.sql.Connection;
import java.util.function.Supplier;
import org.csmh.agent.job.JobHandle;

/** The throttle check every walker uses: current pace, Threads_running on {@code server}, replica lag. */
public final class Throttling {
    private Throttling() {
    }

    public static Supplier<String> of(JobEnvironment env, JobHandle job, Connection server) {
        return () -> Throttler.reason(job.control().pace(), env.metrics().threadsRunning(server),
                env.metrics().replicaLag(job.control().pace().getReplicaEndpointsList()));
    }
}
