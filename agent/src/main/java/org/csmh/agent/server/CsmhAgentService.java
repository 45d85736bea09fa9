package org.csmh.agent.server;

import io.grpc.stub.StreamObserver;
import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.provision.AdminLogin;
import org.csmh.agent.provision.DatabaseProvisioner;
import org.csmh.agent.provision.ProvisionResult;
import org.csmh.agent.provision.ProvisionSpec;
import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.settings.SettingsChange;
import org.csmh.agent.status.Check;
import org.csmh.agent.procedure.Procedure;
import org.csmh.agent.procedure.StepStatus;
import org.csmh.proto.v1.Step;
import org.csmh.proto.v1.StepState;
import org.csmh.agent.util.InvalidInputException;
import io.grpc.stub.ServerCallStreamObserver;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.CutoverResponse;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.RollbackRequest;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.GetJobRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.ListJobsRequest;
import org.csmh.proto.v1.ListJobsResponse;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.WatchJobRequest;
import org.csmh.proto.v1.CsmhAgentGrpc;
import org.csmh.proto.v1.Flag;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.GetStatusResponse;
import org.csmh.proto.v1.Login;
import org.csmh.proto.v1.PasswordUpdate;
import org.csmh.proto.v1.ProvisionDatabaseRequest;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.csmh.proto.v1.UpdateSettingsResponse;

/** Translates csmh.v1 messages to domain calls and back; no logic of its own. */
public final class CsmhAgentService extends CsmhAgentGrpc.CsmhAgentImplBase {
    private final Procedure procedureStatus;
    private final DatabaseProvisioner provisioner;
    private final LmsSettingsEditor settings;
    private final EndpointResolver endpoints;
    private final JobService jobs;
    private final ProcedureService procedure;
    private final String version;
    private final String hostname;
    private final org.csmh.agent.plan.CopyPlanner planner;

    public CsmhAgentService(Procedure procedureStatus, DatabaseProvisioner provisioner, LmsSettingsEditor settings,
                            EndpointResolver endpoints, JobService jobs, ProcedureService procedure, String version, String hostname,
                            org.csmh.agent.plan.CopyPlanner planner) {
        this.planner = planner;
        this.procedureStatus = procedureStatus;
        this.provisioner = provisioner;
        this.settings = settings;
        this.endpoints = endpoints;
        this.jobs = jobs;
        this.procedure = procedure;
        this.version = version;
        this.hostname = hostname;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> out) {
        unary("GetStatus", out, () -> {
            Procedure.Status s = procedureStatus.status(request.getExactRowCount());
            GetStatusResponse.Builder b = GetStatusResponse.newBuilder().setAgentVersion(version).setHostname(hostname)
                    .setComplete(s.complete()).setNextStep(s.next().map(n -> n.step().id()).orElse(""));
            for (Check c : s.checks()) {
                b.addChecks(org.csmh.proto.v1.Check.newBuilder().setId(c.id()).setTitle(c.title())
                        .setState(CheckState.valueOf("CHECK_STATE_" + c.state().name())).setDetail(c.detail()).putAllFields(c.fields()));
            }
            for (StepStatus st : s.steps()) {
                b.addSteps(Step.newBuilder().setId(st.step().id()).setTitle(st.step().title())
                        .setState(StepState.valueOf("STEP_STATE_" + st.state().name())).setDetail(st.detail()).setAction(st.step().action())
                        .setDestructive(st.step().destructive()).addAllChecks(st.step().checks()).setJobId(st.jobId()));
            }
            return b.build();
        });
    }

    @Override
    public void provisionDatabase(ProvisionDatabaseRequest request, StreamObserver<ProvisionDatabaseResponse> out) {
        unary("ProvisionDatabase", out, () -> {
            if (request.getPasswordUpdateValue() < 0 || PasswordUpdate.forNumber(request.getPasswordUpdateValue()) == null) {
                throw new InvalidInputException("unknown password_update value " + request.getPasswordUpdateValue());
            }
            ProvisionSpec spec = ProvisionSpec.validate(request.getDatabase(), request.getCharset(), request.getCollation(),
                    request.getUsersList().stream()
                            .map(u -> new ProvisionSpec.RawUser(u.getName(), u.getHost(), u.getPassword(), u.getPriv(), u.getAppendPrivs(),
                                    u.getRevokeOutsideDatabase())).toList(),
                    request.getPasswordUpdate() != PasswordUpdate.PASSWORD_UPDATE_ON_CREATE, request.getDryRun());
            ProvisionResult r = provisioner.provision(admin(request.getLogin()), spec);
            return ProvisionDatabaseResponse.newBuilder().setChanged(r.changed()).addAllStatements(r.statements())
                    .addAllWarnings(r.warnings()).setDryRun(r.dryRun()).build();
        });
    }

    @Override
    public void updateSettings(UpdateSettingsRequest request, StreamObserver<UpdateSettingsResponse> out) {
        unary("UpdateSettings", out, () -> {
            SettingsChange.CsmhDatabase db = null;
            if (request.hasDatabase()) {
                var d = request.getDatabase();
                db = SettingsChange.database(d.getName(), d.getUser(), d.getPassword(), d.getHost(), d.getPort(),
                        d.getOptionsMap(), d.hasConnMaxAge() ? Integer.valueOf(d.getConnMaxAge()) : null);
            }
            SettingsChange change = new SettingsChange(db, flag(request.getEnableCsmhExtendedValue(), "enable_csmh_extended"),
                    flag(request.getEnableReadingFromMultipleHistoryTablesValue(), "enable_reading_from_multiple_history_tables"),
                    !request.hasIncludeCms() || request.getIncludeCms(), request.getDryRun());
            return SettingsResponses.of(settings.apply(change));
        });
    }

    @Override
    public void planCopy(org.csmh.proto.v1.PlanCopyRequest request, StreamObserver<org.csmh.proto.v1.CopyPlan> out) {
        unary("PlanCopy", out, () -> planner.plan(request));
    }

    @Override
    public void startCopy(StartCopyRequest request, StreamObserver<Job> out) {
        unary("StartCopy", out, () -> jobs.startCopy(request));
    }

    @Override
    public void startVerify(StartVerifyRequest request, StreamObserver<Job> out) {
        unary("StartVerify", out, () -> jobs.startVerify(request));
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> out) {
        unary("GetJob", out, () -> jobs.get(request.getId()));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
        unary("ListJobs", out, () -> ListJobsResponse.newBuilder().addAllJobs(jobs.list()).build());
    }

    @Override
    public void controlJob(ControlJobRequest request, StreamObserver<Job> out) {
        unary("ControlJob", out, () -> jobs.control(request));
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<Job> out) {
        try {
            jobs.watch(request.getId(), (ServerCallStreamObserver<Job>) out);
        } catch (RuntimeException e) {
            out.onError(ErrorStatus.of("WatchJob", e));
        }
    }

    @Override
    public void startPurge(StartPurgeRequest request, StreamObserver<Job> out) {
        unary("StartPurge", out, () -> jobs.startPurge(request));
    }

    @Override
    public void cutover(CutoverRequest request, StreamObserver<CutoverResponse> out) {
        unary("Cutover", out, () -> procedure.cutover(request.getForce(), request.getDryRun()));
    }

    @Override
    public void rollback(RollbackRequest request, StreamObserver<CutoverResponse> out) {
        unary("Rollback", out, () -> procedure.rollback(request.getDryRun()));
    }

    @Override
    public void runMigrations(RunMigrationsRequest request, StreamObserver<MigrationEvent> out) {
        try {
            procedure.runMigrations(request, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(io.grpc.Status.UNAVAILABLE.withDescription("agent is shutting down").asRuntimeException());
        } catch (RuntimeException e) {
            out.onError(ErrorStatus.of("RunMigrations", e));
        }
    }

    @Override
    public void restartServers(org.csmh.proto.v1.RestartServersRequest request, StreamObserver<org.csmh.proto.v1.RestartEvent> out) {
        try {
            procedure.restart(request, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(io.grpc.Status.UNAVAILABLE.withDescription("agent is shutting down").asRuntimeException());
        } catch (RuntimeException e) {
            out.onError(ErrorStatus.of("RestartServers", e));
        }
    }

    private Endpoint admin(Login login) {
        return AdminLogin.resolve(endpoints, login.getEndpoint(), login.getHost(), login.getPort(), login.getUser(), login.getPassword(),
                new AdminLogin.Tls(login.getCaCert(), login.getClientCert(), login.getClientKey(), login.getCheckHostname()));
    }

    private static Boolean flag(int value, String field) {
        return switch (value) {
            case Flag.FLAG_UNSPECIFIED_VALUE -> null;
            case Flag.FLAG_TRUE_VALUE -> Boolean.TRUE;
            case Flag.FLAG_FALSE_VALUE -> Boolean.FALSE;
            default -> throw new InvalidInputException("unknown value " + value + " for " + field);
        };
    }

    /** A call that may block (preflight sleeps); an interrupt is reported as the agent shutting down. */
    interface Call<T> {
        T get() throws InterruptedException;
    }

    private static <T> void unary(String rpc, StreamObserver<T> out, Call<T> call) {
        T response;
        try {
            response = call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(io.grpc.Status.UNAVAILABLE.withDescription("agent is shutting down").asRuntimeException());
            return;
        } catch (RuntimeException e) {
            out.onError(ErrorStatus.of(rpc, e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }
}
