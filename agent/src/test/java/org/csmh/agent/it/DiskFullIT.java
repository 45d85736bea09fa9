package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target's disk fills up mid-copy, for real: the target server's data directory is on a tmpfs a little larger
 * than the empty server needs (a mount needs root, as the test command runs in CI). The copy fails at once instead of
 * retrying into a full disk the LMS writes to too, names the chunk and the remedy, and leaves only whole chunks
 * behind; once there is room again the copy resumes there and every row arrives once.
 */
class DiskFullIT {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aTargetOutOfSpaceFailsTheCopyCleanlyAndItResumesOnceThereIsRoom() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small file system needs root");
        Path disk = Files.createDirectories(dir.resolve("disk"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", disk.toString()), "tmpfs cannot be mounted here");
        try {
            try (DatabaseSandbox server = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, disk, 64, List.of("--innodb-log-file-size=16M"));
                 CopyHarness h = new CopyHarness(dir, TestDatabases.root(), server.rootEndpoint(), 20_000).startInProcess()) {
                h.configureTarget();
                // 20,000 rows of about 3 KB: 60 MB to write into a disk with 12 MiB left.
                TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET state = CONCAT('{\"answer\": \"', REPEAT('z', 3000), '\"}')");
                long used = Files.getFileStore(disk).getTotalSpace() - Files.getFileStore(disk).getUsableSpace();
                assertTrue(run("mount", "-o", "remount,size=" + (used / MIB + 12) + "m", disk.toString()));

                Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                        .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0)).build());
                Job failed = h.awaitState(job.getId(), JobState.JOB_STATE_FAILED, 120_000);
                assertTrue(failed.getError().startsWith("the target ran out of space writing ids "), failed.getError());
                assertTrue(failed.getError().endsWith("that chunk was rolled back. Free space on the target server (its disk, or the"
                        + " tablespace's size limit; the LMS cannot write there either until then) and start the copy again: it resumes"
                        + " at this chunk"), failed.getError());
                assertEquals(1, failed.getAttempts(), "not retried into a full disk");
                // Whole chunks only: the rows there are exactly the old rows up to the highest id copied.
                long max = TestDatabases.queryLong(h.target, "SELECT COALESCE(MAX(id), 0) FROM " + h.csmhe());
                assertTrue(max < 20_000, "the disk filled before the end: " + max);
                assertEquals(TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh() + " WHERE id <= " + max),
                        TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
                assertEquals(0, max % 1_000, "a chunk's end");

                assertTrue(run("mount", "-o", "remount,size=400m", disk.toString()));
                job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                        .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0)).build());
                Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
                assertEquals(20_000 - max, done.getRowsDone(), "the resumed copy wrote the rest, once");
                CopyFaultIT.assertVerified(h, 20_000);
            }
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    /**
     * The agent's own disk (its state_dir, where job records live) fills mid-copy: the next record that cannot be
     * saved fails the job, which stops writing. The record on disk still says RUNNING, so once there is room a
     * restarted agent resumes the job from the target's own resume point, and every row arrives once.
     */
    @Test
    void theAgentsStateDiskFullMidCopyFailsTheJobAndARestartFinishesItOnce() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small file system needs root");
        Path disk = Files.createDirectories(dir.resolve("state-disk"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()), "tmpfs cannot be mounted here");
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 40_000)) {
            Files.writeString(h.config, Files.readString(h.config).replace("state_dir: state", "state_dir: " + disk));
            h.startProcess();
            h.configureTarget();
            Job job = h.client.startCopy(CopyFaultIT.slowCopy());
            h.awaitProgress(job.getId(), 8_000, 60_000);
            Path filler = disk.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                }
            } catch (java.io.IOException expected) {
                // ENOSPC: the disk is full
            }
            Job failed = h.awaitState(job.getId(), JobState.JOB_STATE_FAILED, 60_000);
            assertTrue(failed.getError().startsWith("cannot save the job record"), failed.getError());
            long copied = TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe());
            Thread.sleep(500);
            assertEquals(copied, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "the failed job writes no more");
            assertTrue(copied < 40_000, "failed mid-copy: " + copied);
            String record = Files.readString(disk.resolve("jobs/" + job.getId() + ".json"));
            assertTrue(record.contains("JOB_STATE_RUNNING"), "the failure itself could not be saved: " + record);

            Files.delete(filler);
            h.killProcess();
            h.startProcess();
            Job resumed = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(40_000, resumed.getRowsDone(), "rows_done recounted from the target");
            CopyFaultIT.assertVerified(h, 40_000);
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
