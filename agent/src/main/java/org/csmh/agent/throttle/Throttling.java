package org.csmh.agent.throttle;

import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.ThrottleState;
import org.csmh.proto.v1.Pace;

/** The throttle check every walker uses: the current pace's window, load signals on the job's servers, replica lag. */
public final class Throttling {
    private Throttling() {
    }

    public static Supplier<ThrottleState> of(ThrottleMetrics metrics, JobHandle job, Connection server) {
        return () -> check(metrics, job.control().pace(), Map.of("", server));
    }

    /**
     * Cross-server: the target takes the writes, but the source is the LMS's production primary serving the reads,
     * so a busy source throttles the copy too.
     */
    public static Supplier<ThrottleState> of(ThrottleMetrics metrics, JobHandle job, Connection target, Connection source) {
        Map<String, Connection> servers = new LinkedHashMap<>();
        servers.put("target", target);
        servers.put("source", source);
        return () -> check(metrics, job.control().pace(), servers);
    }

    private static ThrottleState check(ThrottleMetrics metrics, Pace pace, Map<String, Connection> servers) {
        Instant now = Instant.now();
        // Outside the window nothing needs reading: the servers are left alone until it opens.
        ThrottleState closed = Throttler.outsideWindow(pace, now);
        if (closed != null) {
            return closed;
        }
        var names = LoadSignals.limits(pace).keySet();
        Map<String, Map<String, ThrottleMetrics.Reading>> load = new LinkedHashMap<>();
        servers.forEach((name, c) -> load.put(name, metrics.load(c, names)));
        return Throttler.decide(pace, load, metrics.replicaLag(pace.getReplicaEndpointsList()), now);
    }
}
