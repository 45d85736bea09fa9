package org.csmh.agent.job;

import org.csmh.proto.v1.JobKind;

/**
 * What the job engine tells a metrics backend as it happens (the rest of a job, its snapshot, is read at scrape
 * time). The engine does not know who listens; without a metrics endpoint nobody does.
 */
public interface JobTelemetry {
    JobTelemetry NONE = new JobTelemetry() {
        @Override
        public void chunkDone(JobKind kind, long nanos, long rows) {
        }

        @Override
        public void retried(JobKind kind) {
        }
    };

    /** A chunk committed (copy, purge) or compared (verify). */
    void chunkDone(JobKind kind, long nanos, long rows);

    /** A pass ended on a database error that the job waits out and retries. */
    void retried(JobKind kind);
}
