package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.testing.TcpProxy;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.Flag;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults beyond the crash tests of CopyFaultIT, each ending with counted rows: 0 lost, 0 doubled. */
class FaultIT {
    @TempDir
    Path dir;

    static Pace slow(int chunk) {
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(60).build();
    }

    @Test
    void connectionsCutByTheNetworkMidCopy() throws Exception {
        DatabaseSandbox second = TestDatabases.secondSandbox();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second.rootEndpoint(), 25_000).startInProcess();
             TcpProxy proxy = new TcpProxy(second.port())) {
            h.configureTarget(proxy.port());
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(slow(1000)).build());
            h.awaitProgress(job.getId(), 5_000, 60_000);
            proxy.dropAll();
            Job after = h.awaitProgress(job.getId(), 12_000, 60_000);
            proxy.dropAll();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertTrue(done.getAttempts() >= 2 || after.getAttempts() >= 2, "the cut connections were retried: " + done);
            CopyFaultIT.assertVerified(h, 25_000);
            assertEquals(2, proxy.drops());
        }
    }

    @Test
    void sourceDatabaseKilledMidPurge() throws Exception {
        DatabaseSandbox second = TestDatabases.secondSandbox();
        try (CopyHarness h = new CopyHarness(dir, second.rootEndpoint(), TestDatabases.root(), 20_000).startInProcess()) {
            h.configureTarget();
            Job copy = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(5000).setSleepMs(0)).build());
            h.awaitState(copy.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            h.client.cutover(CutoverRequest.newBuilder().setForce(true).build());
            Job purge = h.client.startPurge(StartPurgeRequest.newBuilder().setPace(slow(1000)).build());
            h.awaitProgress(purge.getId(), 5_000, 60_000);
            second.kill();
            long deadline = System.currentTimeMillis() + 20_000;
            Job waiting = h.client.getJob(purge.getId());
            while (!waiting.getThrottleReason().startsWith("database error") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                waiting = h.client.getJob(purge.getId());
            }
            assertTrue(waiting.getThrottleReason().startsWith("database error, retrying"), waiting.toString());
            second.restart();
            Job done = h.awaitState(purge.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(20_000, done.getCurrentId());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()), "every old row deleted");
            assertEquals(20_000, TestDatabases.queryLong(h.target, "SELECT COUNT(DISTINCT id) FROM " + h.csmhe()), "new table untouched");
        }
    }

    @Test
    void secondCopyIsRefusedWhileOneRuns() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 10_000).startInProcess()) {
            h.configureTarget();
            Job first = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(slow(500)).build());
            h.awaitProgress(first.getId(), 1_000, 30_000);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("copy job " + first.getId() + " is RUNNING"), e.getStatus().getDescription());
            h.awaitState(first.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(10_000, TestDatabases.queryLong(h.target, "SELECT COUNT(DISTINCT id) FROM " + h.csmhe()));
            assertEquals(10_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
        }
    }

    @Test
    void diskFullWhileWritingLmsYmlLeavesItIntact() throws Exception {
        Path mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()).redirectErrorStream(true).start();
        Assumptions.assumeTrue(m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0, "cannot mount a small tmpfs here (needs root)");
        try {
            try (AgentHarness h = new AgentHarness(dir)) {
                Path lms = mount.resolve("lms.yml");
                Files.copy(dir.resolve("lms.yml"), lms);
                byte[] before = Files.readAllBytes(lms);
                // Fill the disk so neither a backup nor a new copy of lms.yml fits.
                try (var out = Files.newOutputStream(mount.resolve("filler"))) {
                    byte[] block = new byte[1024];
                    while (true) {
                        out.write(block);
                        out.flush();
                    }
                } catch (java.io.IOException expected) {
                    // ENOSPC: the disk is full
                }
                org.csmh.agent.settings.LmsSettingsEditor editor = new org.csmh.agent.settings.LmsSettingsEditor(lms, null, java.time.Clock.systemUTC());
                var e = assertThrows(org.csmh.agent.util.PreconditionException.class, () -> editor.apply(
                        new org.csmh.agent.settings.SettingsChange(null, true, true, true, false)));
                assertTrue(e.getMessage().contains("could not write") && e.getMessage().contains("left as it was"), e.getMessage());
                assertArrayEquals(before, Files.readAllBytes(lms));
                try (var files = Files.list(mount)) {
                    assertEquals(java.util.List.of("filler", "lms.yml"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                            "no temp or half-written backup left behind");
                }
                // Also through the agent's RPC, against its own lms.yml on the normal disk: still works.
                assertTrue(h.client.updateSettings(UpdateSettingsRequest.newBuilder().setEnableCsmhExtended(Flag.FLAG_TRUE).build()).getChanged());
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
