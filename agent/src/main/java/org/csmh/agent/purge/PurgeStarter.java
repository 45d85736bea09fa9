package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.SQLException;
import org.csmh.agent.cutover.CutoverGate;
import org.csmh.agent.job.FleetLock;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.job.PaceRules;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.ReadOnlyProbe;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.StartPurgeRequest;

/** StartPurge: TRUNCATE or a chunked DELETE of the old table; refused before the cutover unless forced. */
public final class PurgeStarter {
    private static final String ADVICE = "resume or cancel it instead of starting another";
    private final JobManager manager;
    private final JobEnvironment env;
    private final CutoverGate gate;

    /** Where the servers write, as the agent has watched it. */
    private final java.util.function.Supplier<org.csmh.agent.restart.WriteObserver.Observation> writes;

    public PurgeStarter(JobManager manager, JobEnvironment env, CutoverGate gate,
                        java.util.function.Supplier<org.csmh.agent.restart.WriteObserver.Observation> writes) {
        this.writes = writes;
        this.manager = manager;
        this.env = env;
        this.gate = gate;
    }

    public Job start(StartPurgeRequest r) {
        if (r.getMethodValue() < 0 || PurgeMethod.forNumber(r.getMethodValue()) == null) {
            throw new InvalidInputException("unknown purge method " + r.getMethodValue());
        }
        Pace pace = PaceRules.forRequest(JobKind.JOB_KIND_PURGE, r.getPace(), env::hasEndpoint);
        manager.refuseIfActive(JobKind.JOB_KIND_PURGE, ADVICE);
        if (!r.getForce()) {
            gate.requireCutOver();
            var seen = writes.get();
            if (seen.verdict() == org.csmh.agent.restart.WriteObserver.Verdict.OLD_TABLE_GROWS) {
                throw new PreconditionException(seen.detail() + ": purge once every server writes only CSMHE and its rows are copied"
                        + " (csmhctl restart, then copy and verify), or purge with force (only rows CSMHE holds go either way)");
            }
        }
        boolean truncate = r.getMethod() == PurgeMethod.PURGE_METHOD_TRUNCATE;
        if (!r.getDiscardUncopied() && !env.hasEndpoint("target")) {
            throw new PreconditionException("the purge removes only rows CSMHE holds, and the agent knows no CSMHE (no target endpoint and no"
                    + " DATABASES.student_module_history in lms.yml); configure it, or purge with discard_uncopied to drop rows you chose"
                    + " not to copy");
        }
        Endpoint purger = env.purger();
        long min;
        long max;
        TruncateCheck.OldTable now;
        try (Connection c = env.plain(purger)) {
            Inspector in = new Inspector(c);
            if (!in.tableExists(purger.database(), TableNames.CSMH)) {
                throw new PreconditionException("no table " + TableNames.CSMH + " in " + purger.database());
            }
            String purging = FleetLock.heldBy(c, FleetLock.name("purge", purger.database()));
            if (purging != null) {
                throw new PreconditionException("another purge of " + purger.database() + "." + TableNames.CSMH + " is running ("
                        + purging + "); only one may run at a time");
            }
            var maxId = in.maxId(purger.database(), TableNames.CSMH);
            var minId = in.minId(purger.database(), TableNames.CSMH);
            max = maxId.orElse(0L);
            min = minId.orElse(1L);
            // Counted only where that takes seconds; the job counts again at the TRUNCATE, under the table's lock.
            long rows = minId.isEmpty() ? 0 : max - min + 1 < PurgeRunner.COUNT_BELOW_IDS ? in.exactRows(purger.database(), TableNames.CSMH)
                    : TruncateCheck.NOT_COUNTED;
            now = new TruncateCheck.OldTable(rows, minId, maxId);
            // A replica named as the old table's server, or the old primary after a failover: refused up front rather
            // than a job that waits out job_retry_seconds before it fails.
            if (in.serverFacts().readOnly()) {
                var refusal = ReadOnlyProbe.refusal(c, SqlNames.qualified(purger.database(), TableNames.CSMH));
                if (refusal.isPresent()) {
                    throw new PreconditionException("the old table's server refuses writes (" + refusal.get() + "): is the default"
                            + " database pointing at a replica or a read-only endpoint? Point it at the primary, or turn read_only off"
                            + " there, then purge");
                }
            }
        } catch (SQLException e) {
            throw DatabaseAccessException.from(purger, "purge preflight", e);
        }
        String copying = PurgeRunner.copyElsewhere(env);
        if (copying != null) {
            throw new PreconditionException(copying);
        }
        if (truncate && !r.getDiscardUncopied()) {
            TruncateCheck.refusal(manager.list(), now).ifPresent(why -> {
                throw new PreconditionException(why);
            });
        }
        PurgeMethod method = truncate ? PurgeMethod.PURGE_METHOD_TRUNCATE : PurgeMethod.PURGE_METHOD_DELETE;
        Job job = Job.newBuilder().setId(JobManager.newId()).setKind(JobKind.JOB_KIND_PURGE).setRangeStart(min).setRangeEnd(max)
                .setCurrentId(min - 1).setPace(pace).build();
        return manager.startAlone(JobRecord.newBuilder().setJob(job).setPurge(r.toBuilder().setMethod(method)).build(), ADVICE).snapshot();
    }
}
