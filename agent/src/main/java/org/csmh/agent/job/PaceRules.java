package org.csmh.agent.job;

import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.Pace;

/** Defaults and safe bounds for a job's pace; every value that reaches a runner went through here. */
public final class PaceRules {
    private PaceRules() {
    }

    /** The seed scripts' pace: copy 10000 ids per chunk 2 s apart; slow delete 20000 ids 3 s apart. */
    public static Pace defaults(JobKind kind) {
        int chunk = kind == JobKind.JOB_KIND_PURGE ? 20_000 : 10_000;
        int sleep = switch (kind) {
            case JOB_KIND_COPY -> 2000;
            case JOB_KIND_PURGE -> 3000;
            default -> 0;
        };
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(sleep)
                .setTargetChunkMs(0).setMaxRowsPerSecond(0).setMaxThreadsRunning(50).setMaxReplicaLagSeconds(10).setMaxUnreadableSeconds(600).build();
    }

    /**
     * The pace a new job runs at: the kind's defaults with the request's fields applied. A replica endpoint the
     * agent does not know is refused (named in the error, cut short: a name can be any length).
     */
    public static Pace forRequest(JobKind kind, Pace requested, java.util.function.Predicate<String> knownEndpoint) {
        for (String name : requested.getReplicaEndpointsList()) {
            if (!knownEndpoint.test(name)) {
                throw new org.csmh.agent.util.InvalidInputException("replica endpoint " + org.csmh.agent.mysql.SqlNames.printable(name)
                        + " is not in the agent config");
            }
        }
        return merge(defaults(kind), requested);
    }

    /** {@code base} with the fields set in {@code change} applied, each clamped. */
    public static Pace merge(Pace base, Pace change) {
        Pace.Builder b = base.toBuilder();
        if (change.hasChunkSize()) {
            b.setChunkSize(clamp(change.getChunkSize(), 100, 1_000_000));
        }
        if (change.hasSleepMs()) {
            b.setSleepMs(clamp(change.getSleepMs(), 0, 600_000));
        }
        if (change.hasTargetChunkMs()) {
            b.setTargetChunkMs(change.getTargetChunkMs() == 0 ? 0 : clamp(change.getTargetChunkMs(), 50, 60_000));
        }
        if (change.hasMaxRowsPerSecond()) {
            b.setMaxRowsPerSecond(clamp(change.getMaxRowsPerSecond(), 0, 10_000_000));
        }
        if (change.hasMaxThreadsRunning()) {
            b.setMaxThreadsRunning(clamp(change.getMaxThreadsRunning(), 0, 100_000));
        }
        if (change.hasMaxReplicaLagSeconds()) {
            b.setMaxReplicaLagSeconds(clamp(change.getMaxReplicaLagSeconds(), 0, 86_400));
        }
        if (change.hasMaxUnreadableSeconds()) {
            b.setMaxUnreadableSeconds(clamp(change.getMaxUnreadableSeconds(), 0, 86_400));
        }
        if (change.getReplicaEndpointsCount() > 0) {
            b.clearReplicaEndpoints().addAllReplicaEndpoints(change.getReplicaEndpointsList());
        }
        if (change.getMaxLoadCount() > 0) {
            b.clearMaxLoad();
            for (org.csmh.proto.v1.LoadLimit l : change.getMaxLoadList()) {
                if (!org.csmh.agent.throttle.LoadSignals.wellFormed(l.getName())) {
                    throw new org.csmh.agent.util.InvalidInputException("max_load name " + org.csmh.agent.mysql.SqlNames.printable(l.getName())
                            + " is neither a status variable name nor a built-in signal (trx_rseg_history_len)");
                }
                if (l.getLimit() > 0) {
                    b.addMaxLoad(l);
                }
            }
        }
        if (change.hasTimeZone()) {
            b.setTimeZone(org.csmh.agent.throttle.QuietWindow.zone(change.getTimeZone()).getId());
        }
        if (change.hasWindow()) {
            b.setWindow(change.getWindow().trim());
            if (!b.hasTimeZone() || b.getTimeZone().isEmpty()) {
                // The zone is fixed when the window is set: an agent restarted under another TZ reads it the same way.
                b.setTimeZone(java.time.ZoneId.systemDefault().getId());
            }
        }
        org.csmh.agent.throttle.QuietWindow.parse(b.getWindow(), b.getTimeZone());
        return b.build();
    }

    private static int clamp(int v, int lo, int hi) {
        // uint32 arrives as a Java int: values above 2^31 look negative and mean "very large".
        long u = Integer.toUnsignedLong(v);
        return (int) Math.max(lo, Math.min(hi, u));
    }
}
