package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.RestartEvent;
import org.csmh.proto.v1.RestartServersRequest;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StepState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers back online, confirmed: the restart commands come from the agent's config and stream their output; the
 * writes step follows what the database shows (the old table still while CSMHE grows), not the settings file; a
 * worker still writing the old table fails it and stops the copy, whatever the operator confirmed.
 */
class RestartIT {
    @TempDir
    Path dir;

    /** Samples every second over a 3 s window (the other tests' agents sample once an hour, so that their own writes to the old table do not count). */
    private static CopyHarness watching(CopyHarness h, String commands) throws Exception {
        String config = Files.readString(h.config).replace("sample_seconds: 3600", "sample_seconds: 1").replace("window_seconds: 3600", "window_seconds: 3");
        Files.writeString(h.config, commands == null ? config
                : config.replace("commands: [[/bin/sh, -c, 'echo restarted lms cms edxapp_worker']]", commands));
        return h.startInProcess();
    }

    private static List<RestartEvent> restart(CopyHarness h, boolean confirm) {
        List<RestartEvent> out = new ArrayList<>();
        h.client.restartServers(RestartServersRequest.newBuilder().setConfirm(confirm).build()).forEachRemaining(out::add);
        return out;
    }

    private static Check writes(CopyHarness h) {
        return h.check("writes_observed");
    }

    /** The LMS writing a history row, as it does after a restart with ENABLE_CSMH_EXTENDED on. */
    private static void lmsWrites(CopyHarness h, String table) {
        TestDatabases.execute(h.target, "INSERT INTO " + table + " (created, student_module_id) VALUES (NOW(6), 9)");
    }

    @Test
    void theWritesStepFollowsWhatTheDatabaseShows() throws Exception {
        try (CopyHarness h = watching(new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 100), null)) {
            h.configureTarget();
            Thread.sleep(1_500);   // a sample through the new settings (one a second)
            List<RestartEvent> events = restart(h, false);
            assertEquals("/bin/sh -c echo restarted lms cms edxapp_worker", events.get(0).getStarted(), events.toString());
            assertEquals("restarted lms cms edxapp_worker", events.get(1).getOutput(), events.toString());
            assertEquals(0, events.get(2).getExitCode(), events.toString());
            assertEquals(CheckState.CHECK_STATE_PENDING, writes(h).getState(), writes(h).toString());
            assertTrue(writes(h).getDetail().startsWith("watching both tables' largest ids for 3 s since the servers restarted"), writes(h).getDetail());

            // The LMS writes CSMHE only, for longer than the window (and on until the sampler has seen a whole one).
            Check seen = writes(h);
            for (long t0 = System.currentTimeMillis(); System.currentTimeMillis() - t0 < 30_000
                    && (System.currentTimeMillis() - t0 < 4_000 || seen.getState() != CheckState.CHECK_STATE_OK); Thread.sleep(250)) {
                lmsWrites(h, h.csmhe());
                seen = writes(h);
            }
            assertEquals(CheckState.CHECK_STATE_OK, seen.getState(), seen.toString());
            assertTrue(seen.getDetail().contains("the old table stayed at max(id) 100 while CSMHE grew"), seen.getDetail());
            assertEquals("only_csmhe", seen.getFieldsMap().get("verdict"));
            assertEquals(StepState.STEP_STATE_DONE, h.step("writes").getState());

            // A worker never restarted writes the old table: the step fails, the copy is refused, and the operator's
            // word does not outweigh what the database shows.
            lmsWrites(h, h.csmh());
            Check grows = writes(h);
            for (long end = System.currentTimeMillis() + 20_000; grows.getState() != CheckState.CHECK_STATE_FAILED
                    && System.currentTimeMillis() < end; Thread.sleep(200)) {
                grows = writes(h);
            }
            assertEquals(CheckState.CHECK_STATE_FAILED, grows.getState(), grows.toString());
            assertTrue(grows.getDetail().startsWith("the old table grew in the last"), grows.getDetail());
            assertTrue(grows.getDetail().contains("-> 101): a server still writes courseware_studentmodulehistory"), grows.getDetail());
            assertEquals(StepState.STEP_STATE_TODO, h.step("writes").getState());
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("a server still writes courseware_studentmodulehistory"),
                    refused.getStatus().getDescription());
            List<RestartEvent> confirmed = restart(h, true);
            assertTrue(confirmed.get(0).getConfirmed().startsWith("writes only to CSMHE confirmed at "), confirmed.toString());
            assertEquals(CheckState.CHECK_STATE_FAILED, writes(h).getState());
            assertFalse(h.client.status(GetStatusRequest.getDefaultInstance()).getComplete());
        }
    }

    @Test
    void anIdleSiteNeedsTheOperatorsWordAndAFailingCommandStopsTheRest() throws Exception {
        try (CopyHarness h = watching(new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 10),
                "commands: [[/bin/sh, -c, 'echo one; exit 3'], [/bin/sh, -c, 'echo two']]")) {
            h.configureTarget();
            List<RestartEvent> events = restart(h, false);
            assertEquals(3, events.get(events.size() - 1).getExitCode(), events.toString());
            assertTrue(events.stream().noneMatch(e -> e.getOutput().equals("two")), events.toString());
            Check idle = writes(h);
            for (long end = System.currentTimeMillis() + 30_000; !idle.getDetail().startsWith("no history written")
                    && System.currentTimeMillis() < end; Thread.sleep(250)) {
                idle = writes(h);
            }
            assertEquals(CheckState.CHECK_STATE_PENDING, idle.getState(), idle.toString());
            assertTrue(idle.getDetail().startsWith("no history written to either table in the last"), idle.getDetail());
            assertTrue(idle.getDetail().endsWith("or confirm they run with them (csmhctl restart --confirm)"), idle.getDetail());
            restart(h, true);
            Check confirmed = writes(h);
            assertEquals(CheckState.CHECK_STATE_OK, confirmed.getState(), confirmed.toString());
            assertTrue(confirmed.getDetail().startsWith("confirmed by the operator at "), confirmed.getDetail());
            assertTrue(confirmed.getDetail().contains("uid="), "who confirmed, as the audit log names the caller: " + confirmed.getDetail());
            assertTrue(Files.readString(dir.resolve("state").resolve("writes-confirmed")).contains("uid="));
        }
    }
}
