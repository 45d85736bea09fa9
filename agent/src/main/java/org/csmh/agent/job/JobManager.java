package org.csmh.agent.job;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;

/**
 * Starts, restores and controls jobs. A job runs on its own thread and outlives the call that started it;
 * its record is saved as it goes, and on agent start every job that was not finished is started again:
 * resuming is the normal path, the same one as a fresh start.
 */
public final class JobManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobManager.class.getName());
    private final JobStore store;
    private final Function<JobRecord, JobBody> bodies;
    private final Map<String, JobHandle> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });

    public JobManager(JobStore store, Function<JobRecord, JobBody> bodies) {
        this.store = store;
        this.bodies = bodies;
    }

    /** Loads saved jobs; the unfinished ones run again (paused ones wait for a resume). */
    public void restore() {
        for (JobRecord r : store.loadAll()) {
            Job job = r.getJob();
            JobControl control = new JobControl(job.getPace());
            JobHandle handle = new JobHandle(store, r, control);
            jobs.put(job.getId(), handle);
            if (!JobHandle.isTerminal(job.getState())) {
                if (job.getState() == JobState.JOB_STATE_PAUSED) {
                    control.pause();
                }
                LOG.info("event=job_restored id=" + job.getId() + " kind=" + job.getKind() + " state=" + job.getState()
                        + " current_id=" + job.getCurrentId());
                try {
                    launch(handle);
                } catch (RuntimeException e) {
                    // A record this agent cannot run (no spec, from a newer version) must not keep the agent down.
                    LOG.warning("event=job_not_restorable id=" + job.getId() + " reason=\"" + e.getMessage() + "\"");
                    handle.update(b -> b.setState(JobState.JOB_STATE_FAILED).setError("cannot resume after restart: " + e.getMessage()));
                }
            }
        }
    }

    public static String newId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers and starts a job whose record the caller built (after its preflight passed). */
    public JobHandle start(JobRecord record) {
        Job job = record.getJob().toBuilder().setState(JobState.JOB_STATE_PENDING).setCreatedAt(Instant.now().toString())
                .setUpdatedAt(Instant.now().toString()).setEtaSeconds(-1).build();
        JobRecord r = record.toBuilder().setJob(job).build();
        store.save(r);
        JobHandle handle = new JobHandle(store, r, new JobControl(job.getPace()));
        jobs.put(job.getId(), handle);
        LOG.info("event=job_started id=" + job.getId() + " kind=" + job.getKind() + " range=" + job.getRangeStart() + ".." + job.getRangeEnd());
        launch(handle);
        return handle;
    }

    private void launch(JobHandle handle) {
        JobBody body = bodies.apply(handle.spec());
        executor.submit(() -> {
            Thread.currentThread().setName("job-" + handle.id());
            handle.update(b -> b.setState(handle.control().paused() ? JobState.JOB_STATE_PAUSED : JobState.JOB_STATE_RUNNING)
                    .setAttempts(b.getAttempts() + 1).setError(""));
            try {
                body.run(handle);
                JobState end = handle.control().cancelled() ? JobState.JOB_STATE_CANCELLED : JobState.JOB_STATE_SUCCEEDED;
                handle.update(b -> b.setState(end).setThrottleReason("").setEtaSeconds(end == JobState.JOB_STATE_SUCCEEDED ? 0 : -1));
                LOG.info("event=job_finished id=" + handle.id() + " state=" + end + " rows=" + handle.snapshot().getRowsDone());
            } catch (InterruptedException e) {
                // Agent shutdown: leave the record unfinished so the next start resumes it.
                LOG.info("event=job_interrupted id=" + handle.id());
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                boolean expected = e instanceof JobFailure || e instanceof PreconditionException;
                LOG.log(expected ? Level.WARNING : Level.SEVERE, "event=job_failed id=" + handle.id() + " reason=\"" + message + "\"",
                        expected ? null : e);
                handle.update(b -> b.setState(JobState.JOB_STATE_FAILED).setError(message).setThrottleReason("").setEtaSeconds(-1));
            }
        });
    }

    public JobHandle get(String id) {
        JobHandle h = jobs.get(id);
        if (h == null) {
            throw new JobNotFoundException("no job with id '" + id + "'");
        }
        return h;
    }

    public List<Job> list() {
        return jobs.values().stream().map(JobHandle::snapshot).sorted(Comparator.comparing(Job::getCreatedAt)).toList();
    }

    public Job pause(String id) {
        JobHandle h = active(id, "pause");
        h.control().pause();
        return h.update(b -> b.setState(JobState.JOB_STATE_PAUSED));
    }

    public Job resume(String id) {
        JobHandle h = active(id, "resume");
        h.control().resume();
        return h.update(b -> b.setState(JobState.JOB_STATE_RUNNING));
    }

    public Job cancel(String id) {
        JobHandle h = active(id, "cancel");
        h.control().cancel();
        return h.snapshot();
    }

    public Job setPace(String id, Pace change) {
        JobHandle h = active(id, "retune");
        h.control().setPace(PaceRules.merge(h.control().pace(), change));
        return h.update(b -> b);
    }

    private JobHandle active(String id, String action) {
        JobHandle h = get(id);
        if (h.terminal()) {
            throw new PreconditionException("cannot " + action + " job " + id + ": it is already " + h.snapshot().getState().name()
                    .replace("JOB_STATE_", ""));
        }
        return h;
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
