package org.csmh.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobTelemetry;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.ThrottleCause;

/**
 * The agent's Prometheus metrics. Per job, read from the job snapshots at scrape time (so they always agree with
 * GetJob): state, rows done, rate, current id, range, ETA, progress, whether and why it is throttled, attempts.
 * As they happen: chunk durations (a histogram per job kind) and retries. Replica lag as the throttle last read it;
 * build info and uptime.
 */
public final class AgentMetrics implements JobTelemetry {
    private static final String[] JOB = {"job_id", "kind"};
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram chunkSeconds;
    private final Counter chunkRows;
    private final Counter retries;

    public AgentMetrics(String version, Supplier<List<Job>> jobs, ThrottleMetrics throttle) {
        long startedAt = System.nanoTime();
        Info.builder().name("csmh_agent_build").help("csmh-agent build").labelNames("version").register(registry).setLabelValues(version);
        GaugeWithCallback.builder().name("csmh_agent_uptime_seconds").help("Seconds since the agent started")
                .callback(cb -> cb.call((System.nanoTime() - startedAt) / 1e9)).register(registry);
        chunkSeconds = Histogram.builder().name("csmh_job_chunk_duration_seconds")
                .help("Time to copy, compare or delete one chunk").labelNames("kind")
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
        chunkRows = Counter.builder().name("csmh_job_chunk_rows").help("Rows in finished chunks, by job kind")
                .labelNames("kind").register(registry);
        retries = Counter.builder().name("csmh_job_retries").help("Database errors a job waited out and retried")
                .labelNames("kind").register(registry);
        // Every kind's series exists from the start at 0, so a rate() or a dashboard panel has data before the first event.
        for (JobKind k : new JobKind[] {JobKind.JOB_KIND_COPY, JobKind.JOB_KIND_VERIFY, JobKind.JOB_KIND_PURGE}) {
            chunkSeconds.labelValues(kind(k));
            chunkRows.labelValues(kind(k));
            retries.labelValues(kind(k));
        }
        perJob(jobs, "csmh_job_rows_done", "Rows copied, compared or deleted so far", j -> (double) j.getRowsDone());
        perJob(jobs, "csmh_job_rows_per_second", "Recent rate (0 while throttled or paused)", Job::getRowsPerSecond);
        perJob(jobs, "csmh_job_current_id", "Every id up to this one is done", j -> (double) j.getCurrentId());
        perJob(jobs, "csmh_job_range_start_id", "First id of the job's range", j -> (double) j.getRangeStart());
        perJob(jobs, "csmh_job_range_end_id", "Last id of the job's range (grows with catch-up passes)", j -> (double) j.getRangeEnd());
        perJob(jobs, "csmh_job_eta_seconds", "Estimated seconds left (-1 unknown)", j -> (double) j.getEtaSeconds());
        perJob(jobs, "csmh_job_progress_ratio", "Done share of the id range, 0..1", Job::getProgress);
        perJob(jobs, "csmh_job_recount_progress_ratio", "Copy: done share of the final recount before success, 0..1 (0 when none runs)",
                j -> j.hasRecount() ? j.getRecount().getProgress() : 0.0);
        perJob(jobs, "csmh_job_chunks_done", "Chunks finished", j -> (double) j.getChunksDone());
        perJob(jobs, "csmh_job_attempts", "Times the job (re)started after an error or a restart", j -> (double) j.getAttempts());
        perJob(jobs, "csmh_job_mismatched_rows", "Verify: rows that differ", j -> (double) j.getMismatchedRows());
        GaugeWithCallback.builder().name("csmh_job_state").help("1 for the job's current state")
                .labelNames("job_id", "kind", "state").callback(cb -> {
                    for (Job j : jobs.get()) {
                        cb.call(1, j.getId(), kind(j.getKind()), state(j.getState()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("csmh_job_throttled").help("1 while the job waits; cause: load (signal: the status variable or"
                        + " built-in signal over its limit), replica_lag, unreadable, database_error, outside_window, settling")
                .labelNames("job_id", "kind", "cause", "signal").callback(cb -> {
                    for (Job j : jobs.get()) {
                        boolean waiting = !JobHandle.isTerminal(j.getState()) && !j.getThrottleReason().isEmpty();
                        cb.call(waiting ? 1 : 0, j.getId(), kind(j.getKind()), waiting ? cause(j.getThrottle().getCause()) : "none",
                                waiting ? j.getThrottle().getSignal() : "");
                    }
                }).register(registry);
        perJob(jobs, "csmh_job_resumes_at_timestamp_seconds", "Outside the pace's window: when the job resumes (Unix time; 0 otherwise)",
                j -> resumesAt(j));
        GaugeWithCallback.builder().name("csmh_replica_lag_seconds").help("Replica lag as the throttle last read it (NaN: unreadable)")
                .labelNames("endpoint").callback(cb -> throttle.lastReplicaLag().forEach((name, r) ->
                        cb.call(r.value() == null ? Double.NaN : r.value(), name))).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void chunkDone(JobKind kind, long nanos, long rows) {
        chunkSeconds.labelValues(kind(kind)).observe(nanos / 1e9);
        chunkRows.labelValues(kind(kind)).inc(rows);
    }

    @Override
    public void retried(JobKind kind) {
        retries.labelValues(kind(kind)).inc();
    }

    private void perJob(Supplier<List<Job>> jobs, String name, String help, ToDoubleFunction<Job> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(JOB).callback(cb -> {
            for (Job j : jobs.get()) {
                cb.call(value.applyAsDouble(j), j.getId(), kind(j.getKind()));
            }
        }).register(registry);
    }

    static String kind(JobKind k) {
        return lower(k.name(), "JOB_KIND_");
    }

    static String state(JobState s) {
        return lower(s.name(), "JOB_STATE_");
    }

    /** The typed cause as a label: a small fixed set (the reason's text carries numbers, which would make new series). */
    static String cause(ThrottleCause c) {
        return c == ThrottleCause.UNRECOGNIZED ? "other" : lower(c.name(), "THROTTLE_CAUSE_");
    }

    private static double resumesAt(Job j) {
        String at = j.getThrottle().getResumesAt();
        if (at.isEmpty() || JobHandle.isTerminal(j.getState())) {
            return 0;
        }
        return java.time.OffsetDateTime.parse(at).toEpochSecond();
    }

    private static String lower(String name, String prefix) {
        return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT);
    }
}
