package org.csmh.agent.verify;

import java.sql.Connection;
import java.sql.SQLException;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.job.PaceRules;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.util.PreconditionException;
import org.csmh.agent.util.Unsigned;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartVerifyRequest;

/** StartVerify: validates the request, checks both tables exist, fixes the range (default 1..max(CSMH.id)). */
public final class VerifyStarter {
    static final long MAX_REPORTED_ROWS = 100_000;
    private final JobManager manager;
    private final JobEnvironment env;

    public VerifyStarter(JobManager manager, JobEnvironment env) {
        this.manager = manager;
        this.env = env;
    }

    public Job start(StartVerifyRequest r) {
        IdRange.checkRequested(r.getRangeStart(), r.getRangeEnd());
        Unsigned.atMost(r.getMaxReportedRows(), MAX_REPORTED_ROWS, "max_reported_rows");
        Pace pace = PaceRules.forRequest(JobKind.JOB_KIND_VERIFY, r.getPace(), env::hasEndpoint);
        Endpoint source = env.source();
        Endpoint target = env.target();
        long max;
        long min;
        try (Connection src = env.plain(source)) {
            Inspector in = new Inspector(src);
            if (!in.tableExists(source.database(), TableNames.CSMH)) {
                throw new PreconditionException("no table " + TableNames.CSMH + " in " + source.database());
            }
            max = in.maxId(source.database(), TableNames.CSMH).orElse(0L);
            min = in.minId(source.database(), TableNames.CSMH).orElse(1L);
        } catch (SQLException e) {
            throw DatabaseAccessException.from(source, "verify preflight", e);
        }
        try (Connection tgt = env.plain(target)) {
            if (!new Inspector(tgt).tableExists(target.database(), TableNames.CSMHE)) {
                throw new PreconditionException("no table " + TableNames.CSMHE + " in " + target.database() + ": run the migrations first");
            }
        } catch (SQLException e) {
            throw DatabaseAccessException.from(target, "verify preflight", e);
        }
        // Every old row, from the lowest: below it CSMHE holds only copies whose originals a purge already removed.
        long first = r.getRangeStart() == 0 ? min : r.getRangeStart();
        long last = r.getRangeEnd() == 0 ? max : r.getRangeEnd();
        Job job = Job.newBuilder().setId(JobManager.newId()).setKind(JobKind.JOB_KIND_VERIFY)
                .setRangeStart(first).setRangeEnd(last).setCurrentId(first - 1).setPace(pace).build();
        return manager.start(JobRecord.newBuilder().setJob(job).setVerify(r).build()).snapshot();
    }
}
