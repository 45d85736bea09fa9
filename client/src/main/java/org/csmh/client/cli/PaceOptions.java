package org.csmh.client.cli;

import java.util.List;
import org.csmh.proto.v1.LoadLimit;
import org.csmh.proto.v1.Pace;
import picocli.CommandLine.Option;

/** The pace knobs shared by copy, verify and pace; unset ones keep the agent's defaults. */
final class PaceOptions {
    @Option(names = "--chunk-size", description = "ids per chunk (agent default 10000; 100..1000000)")
    Integer chunkSize;
    @Option(names = "--sleep-ms", description = "pause between chunks (copy default 2000)")
    Integer sleepMs;
    @Option(names = "--target-chunk-ms", description = "auto-size chunks to take about this long (0 = fixed size)")
    Integer targetChunkMs;
    @Option(names = "--max-rate", description = "rows per second cap (0 = none)")
    Integer maxRate;
    @Option(names = "--max-threads-running", description = "throttle above this Threads_running on the target (default 50; 0 = off)")
    Integer maxThreadsRunning;
    @Option(names = "--max-replica-lag", description = "throttle while a --replica lags more seconds (default 10)")
    Integer maxReplicaLag;
    @Option(names = "--replica", description = "agent endpoint name of a replica whose lag to watch; repeatable")
    List<String> replicas;
    @Option(names = "--max-unreadable-seconds", description = "fail the job after a metric (e.g. a replica's lag) could not be read"
            + " this long (default 600; 0 = wait as long as it takes)")
    Integer maxUnreadable;
    @Option(names = "--max-load", paramLabel = "NAME=LIMIT[,...]", description = "throttle while any of these is above its limit, as"
            + " gh-ost's --max-load: SHOW GLOBAL STATUS variables (Innodb_row_lock_current_waits=10) or trx_rseg_history_len"
            + " (InnoDB's history list length; needs PROCESS); replaces the job's list, NAME=0 removes one")
    String maxLoad;
    @Option(names = "--window", paramLabel = "HH:MM-HH:MM[,...]", description = "quiet hours: run only inside these local times"
            + " (e.g. 01:00-06:00; a range may cross midnight); '' = any time")
    String window;
    @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA zone the window is read in (default: the agent host's)")
    String timeZone;

    Pace toPace() {
        Pace.Builder b = Pace.newBuilder();
        if (chunkSize != null) {
            b.setChunkSize(nonNegative("--chunk-size", chunkSize));
        }
        if (sleepMs != null) {
            b.setSleepMs(nonNegative("--sleep-ms", sleepMs));
        }
        if (targetChunkMs != null) {
            b.setTargetChunkMs(nonNegative("--target-chunk-ms", targetChunkMs));
        }
        if (maxRate != null) {
            b.setMaxRowsPerSecond(nonNegative("--max-rate", maxRate));
        }
        if (maxThreadsRunning != null) {
            b.setMaxThreadsRunning(nonNegative("--max-threads-running", maxThreadsRunning));
        }
        if (maxReplicaLag != null) {
            b.setMaxReplicaLagSeconds(nonNegative("--max-replica-lag", maxReplicaLag));
        }
        if (maxUnreadable != null) {
            b.setMaxUnreadableSeconds(nonNegative("--max-unreadable-seconds", maxUnreadable));
        }
        if (replicas != null) {
            b.addAllReplicaEndpoints(replicas);
        }
        if (maxLoad != null) {
            b.addAllMaxLoad(loadLimits(maxLoad));
        }
        if (window != null) {
            b.setWindow(window);
        }
        if (timeZone != null) {
            b.setTimeZone(timeZone);
        }
        return b.build();
    }

    private static int nonNegative(String option, int v) {
        if (v < 0) {
            throw new UsageException(option + " must not be negative");
        }
        return v;
    }

    /** {@code Threads_running=50,trx_rseg_history_len=1000000}: gh-ost's --max-load syntax. */
    static List<LoadLimit> loadLimits(String spec) {
        List<LoadLimit> out = new java.util.ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--max-load: '" + p + "' is not NAME=LIMIT");
            }
            long limit;
            try {
                limit = Long.parseLong(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--max-load: the limit of " + p.substring(0, eq).trim() + " is not a whole number");
            }
            if (limit < 0) {
                throw new UsageException("--max-load: the limit of " + p.substring(0, eq).trim() + " must not be negative");
            }
            out.add(LoadLimit.newBuilder().setName(p.substring(0, eq).trim()).setLimit(limit).build());
        }
        return out;
    }
}
