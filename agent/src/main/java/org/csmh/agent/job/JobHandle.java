package org.csmh.agent.job;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.JobState;

/**
 * One job at run time: what was asked for (its record's spec) and its state machine, which the runner reports
 * progress to and waits through. The record is saved through the job store whenever the machine says so.
 */
public final class JobHandle {
    private final JobRecord spec;
    private final JobStateMachine machine;
    private final JobTelemetry telemetry;

    JobHandle(JobStore store, JobRecord record) {
        this(store, record, JobTelemetry.NONE);
    }

    JobHandle(JobStore store, JobRecord record, JobTelemetry telemetry) {
        this.spec = record;
        this.machine = new JobStateMachine(record.getJob(), job -> store.save(record.toBuilder().setJob(job).build()));
        this.telemetry = telemetry;
    }

    /** Where chunk timings and retries go (a metrics endpoint, or nowhere). */
    public JobTelemetry telemetry() {
        return telemetry;
    }

    public Job snapshot() {
        return machine.snapshot();
    }

    public JobRecord spec() {
        return spec;
    }

    /** Pause, cancel, pace and the waits between chunks: what the runner checks and sleeps through. */
    public JobStateMachine control() {
        return machine;
    }

    public String id() {
        return spec.getJob().getId();
    }

    public boolean terminal() {
        return machine.terminal();
    }

    /** SUCCEEDED, FAILED or CANCELLED: the job will not run again. */
    public static boolean isTerminal(JobState s) {
        return JobStateMachine.isTerminal(s);
    }

    /** Progress from the runner; see {@link JobStateMachine#progress}. */
    public Job progress(UnaryOperator<Job.Builder> change) {
        return machine.progress(change);
    }

    /** Progress saved at once; see {@link JobStateMachine#checkpoint}. */
    public Job checkpoint(UnaryOperator<Job.Builder> change) {
        return machine.checkpoint(change);
    }

    public Runnable watch(Consumer<Job> watcher) {
        return machine.watch(watcher);
    }
}
