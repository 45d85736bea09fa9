package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.MigrationStep;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.Service;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * manage.py migrate as the agent runs it when things go wrong: a step that hangs without printing is killed at
 * timeout_seconds together with the process it started (a grandchild), the steps after it are reported as not run;
 * a caller that goes away leaves the run going (a migration killed half way can leave the schema half changed), a
 * call for other steps is refused while it runs, a call for the same steps follows it from its first line to its
 * end, and a request to create CSMHE without Django waits for its end; an agent that stops kills the step; csmhctl run
 * follows a run in progress. The fake manage.py prints its own and its grandchild's pid before hanging
 * (or, for alias "gated", waiting for a file); that the lines arrive at all shows the output is unbuffered.
 */
class MigrationRunIT {
    @TempDir
    Path dir;
    Path manage;

    @BeforeEach
    void script() throws Exception {
        manage = dir.resolve("manage.py");
        Files.writeString(manage, """
                import os, subprocess, sys, time
                child = subprocess.Popen(["sleep", "300"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                print("pid", os.getpid())
                print("grandchild", child.pid)
                if sys.argv[4] == "hang":
                    time.sleep(300)
                if sys.argv[4] == "gated":
                    while not os.path.exists(os.path.join(os.path.dirname(sys.argv[0]), "gate")):
                        time.sleep(0.05)
                    print("migrated")
                """);
    }

    private CopyHarness agent(int timeoutSeconds) throws Exception {
        return agent(timeoutSeconds, "[default, hang, gated]");
    }

    private CopyHarness agent(int timeoutSeconds, String aliases) throws Exception {
        CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 10);
        Files.writeString(h.config, Files.readString(h.config) + """
                migrations:
                  python: /usr/bin/python3
                  manage_py: %s
                  aliases: %s
                  timeout_seconds: %d
                """.formatted(manage, aliases, timeoutSeconds));
        return h.startInProcess();
    }

    private static RunMigrationsRequest hangThenDefault() {
        return RunMigrationsRequest.newBuilder()
                .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("hang"))
                .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_CMS).setAlias("default")).build();
    }

    private static RunMigrationsRequest request(Service service, String alias, Object... more) {
        RunMigrationsRequest.Builder b = RunMigrationsRequest.newBuilder().addSteps(MigrationStep.newBuilder().setService(service).setAlias(alias));
        for (int i = 0; i < more.length; i += 2) {
            b.addSteps(MigrationStep.newBuilder().setService((Service) more[i]).setAlias((String) more[i + 1]));
        }
        return b.build();
    }

    private static long grandchild(MigrationEvent e) {
        return printed(e, "grandchild ");
    }

    private static long printed(MigrationEvent e, String prefix) {
        return e.getEventCase() == MigrationEvent.EventCase.OUTPUT && e.getOutput().startsWith(prefix)
                ? Long.parseLong(e.getOutput().substring(prefix.length())) : 0;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void assertGone(long pid) throws InterruptedException {
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertTrue(!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "grandchild " + pid + " still runs");
    }

    @Test
    void aHungStepIsKilledWithItsChildrenAndTheRestIsNamedAsNotRun() throws Exception {
        try (CopyHarness h = agent(2)) {
            long t0 = System.nanoTime();
            List<MigrationEvent> events = ProcedureIT.drain(h.client.runMigrations(hangThenDefault()));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(seconds < 20, "took " + seconds + " s");
            long pid = events.stream().mapToLong(MigrationRunIT::grandchild).filter(p -> p > 0).findFirst().orElseThrow();
            assertGone(pid);
            MigrationEvent last = events.get(events.size() - 1);
            assertTrue(last.getExitCode() != 0, last.toString());
            assertEquals(List.of(MigrationStep.newBuilder().setService(Service.SERVICE_CMS).setAlias("default").build()), last.getSkippedList());
            assertTrue(events.stream().anyMatch(e -> e.getOutput().contains("killed with every process it started after 2 s")), events.toString());
            assertTrue(events.stream().noneMatch(e -> e.getStep().getService() == Service.SERVICE_CMS && e.hasStep()
                    && e.getEventCase() == MigrationEvent.EventCase.STARTED), "cms/default never started");
        }
    }

    @Test
    void aCallerThatLeavesLeavesTheRunGoingAndTheSameStepsFollowItFromItsFirstLine() throws Exception {
        try (CopyHarness h = agent(120)) {
            RunMigrationsRequest gatedThenDefault = request(Service.SERVICE_LMS, "gated", Service.SERVICE_CMS, "default");
            Context.CancellableContext call = Context.current().withCancellation();
            CompletableFuture<Long> started = new CompletableFuture<>();
            Thread first = new Thread(() -> call.run(() -> {
                try {
                    Iterator<MigrationEvent> it = h.client.runMigrations(gatedThenDefault);
                    while (it.hasNext()) {
                        long pid = printed(it.next(), "pid ");
                        if (pid > 0) {
                            started.complete(pid);
                        }
                    }
                } catch (StatusRuntimeException e) {
                    started.complete(0L);   // cancelled: expected
                }
            }));
            first.start();
            long manage = started.get(30, TimeUnit.SECONDS);
            assertTrue(manage > 0);
            call.cancel(null);   // the caller leaves (Ctrl-C, a dropped SSH session)
            first.join(10_000);
            Thread.sleep(500);
            assertTrue(alive(manage), "the step goes on without its caller");

            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> ProcedureIT.drain(h.client.runMigrations(request(Service.SERVICE_LMS, "default"))));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode(), refused.getStatus().toString());
            assertTrue(refused.getStatus().getDescription().contains("in progress") && refused.getStatus().getDescription().contains("same steps"),
                    refused.getStatus().getDescription());
            StatusRuntimeException noDjango = assertThrows(StatusRuntimeException.class,
                    () -> ProcedureIT.drain(h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true).build())));
            assertEquals(Status.Code.FAILED_PRECONDITION, noDjango.getStatus().getCode(), "the commands may be creating CSMHE this moment");
            assertTrue(alive(manage), "a refused call changes nothing");
            org.csmh.proto.v1.Step step = h.step("migrations");
            assertEquals(org.csmh.proto.v1.StepState.STEP_STATE_RUNNING, step.getState(), step.toString());
            assertTrue(step.getDetail().contains("lms/gated (1 of 2: [lms/gated, cms/default])"), step.getDetail());

            CompletableFuture<List<MigrationEvent>> followed = CompletableFuture.supplyAsync(() -> ProcedureIT.drain(h.client.runMigrations(gatedThenDefault)));
            Thread.sleep(500);
            assertTrue(!followed.isDone(), "the follower waits for the run's end");
            Files.writeString(dir.resolve("gate"), "");
            List<MigrationEvent> events = followed.get(60, TimeUnit.SECONDS);
            assertEquals(MigrationEvent.EventCase.STARTED, events.get(0).getEventCase(), "from the run's first event: " + events);
            assertTrue(events.stream().allMatch(MigrationEvent::getFollowed), "each event says the call follows an earlier one's run");
            assertEquals("gated", events.get(0).getStep().getAlias());
            assertEquals(manage, events.stream().mapToLong(e -> printed(e, "pid ")).filter(p -> p > 0).findFirst().orElseThrow(),
                    "the same run, not a second one");
            assertTrue(events.stream().anyMatch(e -> e.getOutput().equals("migrated")), events.toString());
            MigrationEvent last = events.get(events.size() - 1);
            assertEquals("default", last.getStep().getAlias());
            assertEquals(MigrationEvent.EventCase.EXIT_CODE, last.getEventCase());
            assertEquals(0, last.getExitCode(), events.toString());
            events.stream().mapToLong(MigrationRunIT::grandchild).filter(p -> p > 0)
                    .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));   // left by steps that succeeded, as real ones could

            // Ended: the status says so, and a new run is accepted.
            assertTrue(h.client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance()).getStepsList().stream()
                    .filter(s -> s.getId().equals("migrations")).noneMatch(s -> s.getState() == org.csmh.proto.v1.StepState.STEP_STATE_RUNNING));
            List<MigrationEvent> next = ProcedureIT.drain(h.client.runMigrations(request(Service.SERVICE_LMS, "default")));
            assertEquals(0, next.get(next.size() - 1).getExitCode());
            assertTrue(next.stream().noneMatch(MigrationEvent::getFollowed), "a run this call started is not followed");
            ProcessHandle.of(next.stream().mapToLong(MigrationRunIT::grandchild).filter(p -> p > 0).findFirst().orElseThrow())
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * csmhctl run finds the migrations step RUNNING (a run its caller left): it follows the run, where it used to ask
     * for a job; csmhctl migrate says it follows one.
     */
    @Test
    void csmhctlRunFollowsAMigrationRunInProgress() throws Exception {
        try (CopyHarness h = agent(120, "[default, gated]")) {
            h.configureTarget();
            h.client.updateSettings(org.csmh.proto.v1.UpdateSettingsRequest.newBuilder().setEnableCsmhExtended(org.csmh.proto.v1.Flag.FLAG_TRUE).build());
            CompletableFuture<List<MigrationEvent>> first = CompletableFuture.supplyAsync(
                    () -> ProcedureIT.drain(h.client.runMigrations(RunMigrationsRequest.getDefaultInstance())));
            for (int i = 0; i < 300 && h.client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance()).getStepsList().stream()
                    .noneMatch(st -> st.getId().equals("migrations") && st.getState() == org.csmh.proto.v1.StepState.STEP_STATE_RUNNING); i++) {
                Thread.sleep(100);
            }
            CompletableFuture<CopyCliIT.Run> walk = CompletableFuture.supplyAsync(() -> CopyCliIT.run(h, false, "run", "--growth-check-seconds", "0"));
            CompletableFuture<CopyCliIT.Run> migrate = CompletableFuture.supplyAsync(() -> CopyCliIT.run(h, false, "migrate"));
            Thread.sleep(1000);
            assertTrue(!walk.isDone(), "csmhctl run follows the migrations while they run: " + (walk.isDone() ? walk.get() : ""));
            Files.writeString(dir.resolve("gate"), "");
            List<MigrationEvent> events = first.get(60, TimeUnit.SECONDS);
            CopyCliIT.Run run = walk.get(60, TimeUnit.SECONDS);
            assertTrue(RunCliIT.flat(run.out()).contains("[4] migrations"), run.toString());
            assertTrue(!run.err().contains("NOT_FOUND") && !run.err().contains("no job"), run.toString());
            CopyCliIT.Run followed = migrate.get(60, TimeUnit.SECONDS);
            assertEquals(0, followed.code(), followed.toString());
            assertTrue(followed.out().startsWith("== following the migration run already in progress, from its first line\n== lms/default: "),
                    followed.out());
            events.stream().mapToLong(MigrationRunIT::grandchild).filter(p -> p > 0)
                    .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void anAgentThatStopsKillsTheStepAndItsFollowerSeesWhy() throws Exception {
        CopyHarness h = agent(120);
        CompletableFuture<List<MigrationEvent>> events = new CompletableFuture<>();
        List<MigrationEvent> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread follower = new Thread(() -> {
            try {
                h.client.runMigrations(hangThenDefault()).forEachRemaining(seen::add);
                events.complete(seen);
            } catch (RuntimeException e) {
                events.completeExceptionally(e);
            }
        });
        follower.start();
        for (int i = 0; i < 300 && seen.stream().noneMatch(e -> grandchild(e) > 0); i++) {
            Thread.sleep(100);
        }
        long pid = seen.stream().mapToLong(MigrationRunIT::grandchild).filter(p -> p > 0).findFirst().orElseThrow();
        h.agent.stop();
        List<MigrationEvent> all = events.get(30, TimeUnit.SECONDS);
        assertGone(pid);
        assertTrue(all.stream().anyMatch(e -> e.getOutput().contains("killed with every process it started: the agent is stopping")), all.toString());
        MigrationEvent last = all.get(all.size() - 1);
        assertTrue(last.getExitCode() != 0, last.toString());
        h.agent = null;
        h.close();
    }
}
