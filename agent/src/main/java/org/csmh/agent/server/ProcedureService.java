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

    public ProcedureService(Migrations migrations, Cutover cutover) {
        this.migrations = migrations;
        this.cutover = cutover;
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
    private static void send(StreamObserver<MigrationEvent> out, MigrationEvent e) {
        synchronized (out) {
            out.onNext(e);
        }
    }

    private static MigrationStep proto(MigrationRunner.Step step) {
        return MigrationStep.newBuilder().setService(step.service() == MigrationRunner.Service.LMS ? Service.SERVICE_LMS : Service.SERVICE_CMS)
                .setAlias(step.alias()).build();
    }
}
