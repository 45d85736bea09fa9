package org.csmh.agent.server;

import io.grpc.stub.StreamObserver;
import org.csmh.agent.cutover.Cutover;
import org.csmh.agent.migrate.MigrationRunner;
import org.csmh.agent.migrate.Migrations;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.proto.v1.CutoverResponse;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.MigrationStep;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.Service;

/** Translation for RunMigrations, Cutover and Rollback: one domain call each. */
public final class ProcedureService {
    private final Migrations migrations;
    private final Cutover cutover;
    private final org.csmh.agent.restart.ServerRestarter restarter;

    public ProcedureService(Migrations migrations, Cutover cutover, org.csmh.agent.restart.ServerRestarter restarter) {
        this.migrations = migrations;
        this.cutover = cutover;
        this.restarter = restarter;
    }

    /**
     * RestartServers: the configured commands, their output streamed; a caller that leaves does not stop them (a
     * restart killed half way leaves some servers down). Or the operator's confirmation, recorded.
     */
    void restart(org.csmh.proto.v1.RestartServersRequest r, StreamObserver<org.csmh.proto.v1.RestartEvent> out) throws InterruptedException {
        if (out instanceof io.grpc.stub.ServerCallStreamObserver<org.csmh.proto.v1.RestartEvent> observer) {
            observer.setOnCancelHandler(() -> { });
        }
        io.grpc.Context call = io.grpc.Context.current();
        if (r.getConfirm()) {
            String by = AuditInterceptor.CALLER.get() == null ? "" : AuditInterceptor.CALLER.get();
            var c = restarter.confirm(by);
            send(out, org.csmh.proto.v1.RestartEvent.newBuilder().setConfirmed("writes only to CSMHE confirmed at " + c.at() + " by " + by).build());
        } else {
            restarter.restart(new org.csmh.agent.restart.ServerRestarter.Listener() {
                @Override
                public void started(int index, String commandLine) {
                    send(out, org.csmh.proto.v1.RestartEvent.newBuilder().setCommand(index).setStarted(commandLine).build());
                }

                @Override
                public void output(int index, String line) {
                    send(out, org.csmh.proto.v1.RestartEvent.newBuilder().setCommand(index).setOutput(line).build());
                }

                @Override
                public void exited(int index, int code) {
                    send(out, org.csmh.proto.v1.RestartEvent.newBuilder().setCommand(index).setExitCode(code).build());
                }
            });
        }
        if (!call.isCancelled()) {
            out.onCompleted();
        }
    }

    void runMigrations(RunMigrationsRequest r, StreamObserver<MigrationEvent> out) throws InterruptedException {
        java.util.List<MigrationRunner.Step> steps = r.getStepsList().stream().map(ProcedureService::step).toList();
        // A client that goes away (Ctrl-C, a dropped connection) stops following the run; the run goes on. With an
        // onCancel handler set, gRPC drops events sent after the cancel instead of throwing from onNext.
        io.grpc.Context call = io.grpc.Context.current();
        if (out instanceof io.grpc.stub.ServerCallStreamObserver<MigrationEvent> observer) {
            observer.setOnCancelHandler(() -> { });
        }
        migrations.run(new Migrations.Request(steps, r.getDbMigrationUser(), r.getDbMigrationPassword(), r.getWithoutDjango(),
                r.getAutoIncrementOffset()), new Migrations.Listener() {
            private boolean followed;

            @Override
            public void following() {
                followed = true;
            }

            @Override
            public void started(MigrationRunner.Step step, String commandLine) {
                send(out, event(step).setStarted(commandLine).build());
            }

            @Override
            public void output(MigrationRunner.Step step, String line) {
                send(out, event(step).setOutput(line).build());
            }

            @Override
            public void exited(MigrationRunner.Step step, int code, java.util.List<MigrationRunner.Step> skipped) {
                send(out, event(step).setExitCode(code).addAllSkipped(skipped.stream().map(ProcedureService::proto).toList()).build());
            }

            @Override
            public void created(MigrationRunner.Step step, boolean changed) {
                send(out, event(step).setExitCode(0).setChanged(changed).build());
            }

            private MigrationEvent.Builder event(MigrationRunner.Step step) {
                return MigrationEvent.newBuilder().setStep(proto(step)).setFollowed(followed);
            }
        }, call::isCancelled);
        if (!call.isCancelled()) {
            out.onCompleted();
        }
    }

    CutoverResponse cutover(boolean force, boolean dryRun) {
        return response(cutover.cutover(force, dryRun));
    }

    CutoverResponse rollback(boolean dryRun) {
        return response(cutover.rollback(dryRun));
    }

    private static CutoverResponse response(Cutover.Result r) {
        return CutoverResponse.newBuilder().setChanged(r.settings().changed()).setVerifyJobId(r.verifyJobId())
                .setSettings(SettingsResponses.of(r.settings())).build();
    }

    private static MigrationRunner.Step step(MigrationStep s) {
        MigrationRunner.Service service = switch (s.getService()) {
            case SERVICE_LMS -> MigrationRunner.Service.LMS;
            case SERVICE_CMS -> MigrationRunner.Service.CMS;
            default -> throw new InvalidInputException("step needs service lms or cms, got " + s.getServiceValue());
        };
        return new MigrationRunner.Step(service, s.getAlias());
    }

    /** The output reader and the running thread both send: a StreamObserver takes one caller at a time. */
    private static <T> void send(StreamObserver<T> out, T e) {
        synchronized (out) {
            out.onNext(e);
        }
    }

    private static MigrationStep proto(MigrationRunner.Step step) {
        return MigrationStep.newBuilder().setService(step.service() == MigrationRunner.Service.LMS ? Service.SERVICE_LMS : Service.SERVICE_CMS)
                .setAlias(step.alias()).build();
    }
}
