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
 * timeout_seconds together with the process it started (a grandchild), the steps after it are reported as not run,
 * a second run is refused while one is in progress, and a caller that goes away kills its run. The fake manage.py
 * prints its grandchild's pid before hanging; that the line arrives at all shows the output is unbuffered.
 */
class MigrationRunIT {
    @TempDir
    Path dir;
    Path manage;

    @BeforeEach
    void script() throws Exception {
        manage = dir.resolve("manage.py");
        Files.writeString(manage, """
                import subprocess, sys, time
                child = subprocess.Popen(["sleep", "300"])
                print("grandchild", child.pid)
                if sys.argv[4] == "hang":
                    time.sleep(300)
                """);
    }

    private CopyHarness agent(int timeoutSeconds) throws Exception {
        CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 10);
        Files.writeString(h.config, Files.readString(h.config) + """
                migrations:
                  python: /usr/bin/python3
                  manage_py: %s
                  aliases: [default, hang]
                  timeout_seconds: %d
                """.formatted(manage, timeoutSeconds));
        return h.startInProcess();
    }

    private static RunMigrationsRequest hangThenDefault() {
        return RunMigrationsRequest.newBuilder()
                .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("hang"))
                .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_CMS).setAlias("default")).build();
    }

    private static long grandchild(MigrationEvent e) {
        return e.getEventCase() == MigrationEvent.EventCase.OUTPUT && e.getOutput().startsWith("grandchild ")
                ? Long.parseLong(e.getOutput().substring("grandchild ".length())) : 0;
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
    void oneRunAtATimeAndACallerThatLeavesKillsItsRun() throws Exception {
        try (CopyHarness h = agent(120)) {
            Context.CancellableContext call = Context.current().withCancellation();
            CompletableFuture<Long> started = new CompletableFuture<>();
            Thread first = new Thread(() -> call.run(() -> {
                try {
                    Iterator<MigrationEvent> it = h.client.runMigrations(hangThenDefault());
                    while (it.hasNext()) {
                        long pid = grandchild(it.next());
                        if (pid > 0) {
                            started.complete(pid);
                        }
                    }
                } catch (StatusRuntimeException e) {
                    started.complete(0L);   // cancelled: expected
                }
            }));
            first.start();
            long pid = started.get(30, TimeUnit.SECONDS);
            assertTrue(pid > 0);

            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> ProcedureIT.drain(h.client.runMigrations(hangThenDefault())));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode(), refused.getStatus().toString());
            assertTrue(refused.getStatus().getDescription().contains("in progress"), refused.getStatus().getDescription());

            call.cancel(null);
            first.join(10_000);
            assertGone(pid);
            // The run ended with its caller: a new one is accepted (and runs a quick step to the end).
            List<MigrationEvent> next = ProcedureIT.drain(h.client.runMigrations(RunMigrationsRequest.newBuilder()
                    .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("default")).build()));
            assertEquals(0, next.get(next.size() - 1).getExitCode());
            long quick = next.stream().mapToLong(MigrationRunIT::grandchild).filter(p -> p > 0).findFirst().orElseThrow();
            ProcessHandle.of(quick).ifPresent(ProcessHandle::destroyForcibly);   // left running by a step that succeeded, as a real one could
        }
    }
}
