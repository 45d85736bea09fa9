package org.csmh.agent.server;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.cutover.CutoverGate;
import org.csmh.agent.migrate.MigrationRunner;
import org.csmh.agent.migrate.TableCreator;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.settings.SettingsChange;
import org.csmh.agent.settings.SettingsResult;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.proto.v1.CutoverResponse;
import org.csmh.proto.v1.FileChange;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.MigrationStep;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.Service;
import org.csmh.proto.v1.UpdateSettingsResponse;

/** Translation for RunMigrations, Cutover and Rollback. */
public final class ProcedureService {
    private final MigrationRunner migrations;
    private final TableCreator tables;
    private final JobEnvironment env;
    private final CutoverGate gate;
    private final LmsSettingsEditor settings;

    public ProcedureService(MigrationRunner migrations, TableCreator tables, JobEnvironment env, CutoverGate gate, LmsSettingsEditor settings) {
        this.migrations = migrations;
        this.tables = tables;
        this.env = env;
        this.gate = gate;
        this.settings = settings;
    }

    CutoverGate gate() {
        return gate;
    }

    void runMigrations(RunMigrationsRequest r, StreamObserver<MigrationEvent> out) throws InterruptedException {
        if (r.getWithoutDjango()) {
            long offset = r.getAutoIncrementOffset() == 0 ? 10_000 : r.getAutoIncrementOffset();
            if (offset > 1_000_000_000L) {
                throw new InvalidInputException("auto_increment_offset " + offset + " is above 1000000000");
            }
            MigrationStep step = MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("student_module_history").build();
            out.onNext(MigrationEvent.newBuilder().setStep(step).setStarted("create CSMHE as coursewarehistoryextended 0001 does (offset "
                    + offset + ")").build());
            List<String> ran = tables.create(env.source(), env.ddl(), offset);
            for (String sql : ran) {
                out.onNext(MigrationEvent.newBuilder().setStep(step).setOutput(sql).build());
            }
            if (ran.isEmpty()) {
                out.onNext(MigrationEvent.newBuilder().setStep(step).setOutput("table exists; nothing to do").build());
            }
            out.onNext(MigrationEvent.newBuilder().setStep(step).setExitCode(0).setChanged(!ran.isEmpty()).build());
            out.onCompleted();
            return;
        }
        List<MigrationRunner.Step> steps = new ArrayList<>();
        for (MigrationStep s : r.getStepsList()) {
            MigrationRunner.Service service = switch (s.getService()) {
                case SERVICE_LMS -> MigrationRunner.Service.LMS;
                case SERVICE_CMS -> MigrationRunner.Service.CMS;
                default -> throw new InvalidInputException("step needs service lms or cms, got " + s.getServiceValue());
            };
            MigrationRunner.Step step = new MigrationRunner.Step(service, s.getAlias());
            migrations.checkStep(step);
            steps.add(step);
        }
        if (steps.isEmpty()) {
            steps = migrations.allSteps();
        }
        String user = r.getDbMigrationUser();
        String password = r.getDbMigrationPassword();
        if (user.isEmpty() && env.hasEndpoint("migrate")) {
            Endpoint m = env.endpoint("migrate");
            user = m.user();
            password = m.password();
        }
        migrations.run(steps, user, password, new MigrationRunner.Listener() {
            @Override
            public void started(MigrationRunner.Step step, String commandLine) {
                out.onNext(MigrationEvent.newBuilder().setStep(proto(step)).setStarted(commandLine).build());
            }

            @Override
            public void output(MigrationRunner.Step step, String line) {
                out.onNext(MigrationEvent.newBuilder().setStep(proto(step)).setOutput(line).build());
            }

            @Override
            public void exited(MigrationRunner.Step step, int code) {
                out.onNext(MigrationEvent.newBuilder().setStep(proto(step)).setExitCode(code).build());
            }
        });
        out.onCompleted();
    }

    CutoverResponse cutover(boolean force, boolean dryRun) {
        String verify = force ? "" : gate.passingVerify().getId();
        return response(settings.apply(new SettingsChange(null, null, false, true, dryRun)), verify);
    }

    CutoverResponse rollback(boolean dryRun) {
        return response(settings.apply(new SettingsChange(null, null, true, true, dryRun)), "");
    }

    private static CutoverResponse response(SettingsResult r, String verifyId) {
        UpdateSettingsResponse.Builder s = UpdateSettingsResponse.newBuilder().setChanged(r.changed()).setDryRun(r.dryRun())
                .putAllAnsibleOverrides(r.ansibleOverrides());
        for (SettingsResult.FileResult f : r.files()) {
            s.addFiles(FileChange.newBuilder().setPath(f.path()).setChanged(f.changed()).setDiff(f.diff()).setBackupPath(f.backupPath()));
        }
        return CutoverResponse.newBuilder().setChanged(r.changed()).setVerifyJobId(verifyId).setSettings(s).build();
    }

    private static MigrationStep proto(MigrationRunner.Step step) {
        return MigrationStep.newBuilder().setService(step.service() == MigrationRunner.Service.LMS ? Service.SERVICE_LMS : Service.SERVICE_CMS)
                .setAlias(step.alias()).build();
    }
}
