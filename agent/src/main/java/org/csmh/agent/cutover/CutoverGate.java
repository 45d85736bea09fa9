package org.csmh.agent.cutover;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.settings.FeatureFlag;
import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;

/**
 * The two gates of the end of the procedure. Reads may stop going to the old table only when a verify passed
 * over every old id after the last copy ended; the old table may be purged only once reads have stopped.
 */
public final class CutoverGate {
    private final JobManager jobs;
    private final JobEnvironment env;
    private final LmsSettingsEditor settings;

    public CutoverGate(JobManager jobs, JobEnvironment env, LmsSettingsEditor settings) {
        this.jobs = jobs;
        this.env = env;
        this.settings = settings;
    }

    /** The verify that allows the cutover, or a refusal saying what is missing. */
    public Job passingVerify() {
        Endpoint source = env.source();
        long min;
        long max;
        try (Connection c = env.plain(source)) {
            Inspector in = new Inspector(c);
            max = in.maxId(source.database(), TableNames.CSMH).orElse(0L);
            min = in.minId(source.database(), TableNames.CSMH).orElse(0L);
        } catch (SQLException e) {
            throw DatabaseAccessException.from(source, "reading the old table", e);
        }
        return passingVerify(jobs.list(), min, max);
    }

    /**
     * The decision itself, on the jobs as they are: no copy running, and a verify that succeeded over every old id
     * ({@code min..max}) and finished no earlier than the last successful copy.
     */
    public static Job passingVerify(List<Job> all, long min, long max) {
        if (all.stream().anyMatch(j -> j.getKind() == JobKind.JOB_KIND_COPY && !JobHandle.isTerminal(j.getState()))) {
            throw new PreconditionException("a copy job is still running; cut over after it and a verify have finished");
        }
        // RFC 3339 text does not sort as time (Instant.toString drops zero fractions): compare instants.
        Optional<Instant> lastCopyEnd = all.stream().filter(j -> j.getKind() == JobKind.JOB_KIND_COPY && j.getState() == JobState.JOB_STATE_SUCCEEDED)
                .map(CutoverGate::finishedAt).max(Comparator.naturalOrder());
        Optional<Job> verify = all.stream()
                .filter(j -> j.getKind() == JobKind.JOB_KIND_VERIFY && j.getState() == JobState.JOB_STATE_SUCCEEDED)
                .filter(j -> j.getRangeStart() <= Math.max(1, min) && j.getRangeEnd() >= max)
                .filter(j -> lastCopyEnd.isEmpty() || !finishedAt(j).isBefore(lastCopyEnd.get()))
                .max(Comparator.comparing(CutoverGate::finishedAt));
        return verify.orElseThrow(() -> new PreconditionException("no passing verify covers old ids " + Math.max(1, min) + ".." + max
                + (lastCopyEnd.isEmpty() ? "" : " since the last copy finished (" + lastCopyEnd.get() + ")")
                + ": run csmhctl verify, or cut over with force"));
    }

    public static Instant finishedAt(Job j) {
        return j.getFinishedAt().isEmpty() ? Instant.EPOCH : Instant.parse(j.getFinishedAt());
    }

    /** Purge waits for reads to have left the old table in every settings file the agent manages. */
    public void requireCutOver() {
        for (var file : settingsFiles()) {
            Map<String, Object> doc = settings.read(file);
            FeatureFlag flag = FeatureFlag.read(doc, FeatureFlag.READ_MULTIPLE);
            if (flag.conflict() != null || !Boolean.FALSE.equals(flag.effective())) {
                throw new PreconditionException(file + " still reads the old table (" + (flag.place() == FeatureFlag.Place.ABSENT
                        ? "FEATURES.ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES is absent, i.e. true" : flag.describe())
                        + "): cut over first, or purge with force");
            }
        }
        if (jobs.list().stream().anyMatch(j -> j.getKind() != JobKind.JOB_KIND_PURGE && !JobHandle.isTerminal(j.getState()))) {
            throw new PreconditionException("a copy or verify job is still running; purge after it has finished");
        }
    }

    private List<java.nio.file.Path> settingsFiles() {
        return settings.cmsYml() == null ? List.of(settings.lmsYml()) : List.of(settings.lmsYml(), settings.cmsYml());
    }
}
