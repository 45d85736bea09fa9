package org.csmh.agent.job;

import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;
import org.csmh.agent.mysql.SqlErrors;

/**
 * Runs a job's pass again after database errors a restart fixes (server gone, connection lost, deadlock), with
 * backoff, for up to a budget per streak of errors (a streak ends when the job gets further). The job shows why it waits. Other errors end the job.
 */
public final class Retrying {
    private static final Logger LOG = Logger.getLogger(Retrying.class.getName());

    private Retrying() {
    }

    /** The job body that runs {@code pass}, again after each retryable database error. */
    public static JobBody body(long budgetMillis, JobPass pass) {
        return job -> run(job, budgetMillis, pass);
    }

    static void run(JobHandle job, long budgetMillis, JobPass pass) throws Exception {
        Backoff backoff = new Backoff(budgetMillis);
        long progressAtLastError = -1;
        while (true) {
            try {
                pass.runOnce(job);
                return;

            } catch (Exception e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (!SqlErrors.isTransient(cause)) {
                    throw cause instanceof Exception ex ? ex : e;
                }
                long at = job.snapshot().getCurrentId();
                if (at > progressAtLastError && progressAtLastError >= 0) {
                    // It got further since the last error: a new streak, with a fresh budget.
                    backoff.reset();
                }
                progressAtLastError = at;
                long wait = backoff.next();
                if (wait < 0) {
                    throw new JobFailure("gave up after database errors for " + budgetMillis / 1000 + " s: " + SqlErrors.firstLine(cause), cause);
                }
                String reason = "database error, retrying in " + wait / 1000 + " s: " + SqlErrors.firstLine(cause);
                LOG.warning("event=job_retry id=" + job.id() + " reason=\"" + reason + "\"");
                job.control().retryWait(reason);
                job.telemetry().retried(job.spec().getJob().getKind());
                if (!job.control().sleep(wait)) {
                    return;
                }
            }
        }
    }
}
