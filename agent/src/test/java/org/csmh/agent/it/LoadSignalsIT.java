package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.agent.throttle.LoadSignals;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobAction;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.LoadLimit;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.ThrottleCause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The throttle on any load signal, read from real servers: status variables and InnoDB's history list length (grown
 * by a read view held open while other transactions commit, as a long report query on a live primary does), and the
 * quiet-hours window with a live change through csmhctl.
 */
class LoadSignalsIT {
    @TempDir
    Path dir;

    private static Endpoint server(SandboxEngine engine) {
        return engine == SandboxEngine.MARIADB_10_11 ? TestDatabases.root() : TestDatabases.server(engine, "first").rootEndpoint();
    }

    @ParameterizedTest
    @EnumSource(value = SandboxEngine.class, names = {"MARIADB_10_11", "MARIADB_11_4", "MYSQL_8_0"})
    void statusVariablesAndHistoryLengthAreReadAndAHeldReadViewThrottlesACopy(SandboxEngine engine) throws Exception {
        Endpoint root = server(engine);
        try (Connection c = open(root)) {
            Map<String, ThrottleMetrics.Reading> r = LoadSignals.read(c, List.of("Threads_running", "innodb_row_lock_current_waits",
                    "trx_rseg_history_len", "Not_a_status_variable"));
            assertTrue(r.get("Threads_running").value() >= 1, r.toString());
            assertTrue(r.get("innodb_row_lock_current_waits").value() >= 0, r.toString());
            assertTrue(r.get("trx_rseg_history_len").value() >= 0, r.toString());
            assertEquals("Not_a_status_variable is not reported by SHOW GLOBAL STATUS", r.get("Not_a_status_variable").error());
        }
        String db = AgentHarness.unique("edxapp_hl");
        // The LMS's own account has no PROCESS: the history length is unreadable, and says why.
        try (Connection c = open(CopyHarness.lmsAccount(root, db))) {
            assertEquals("the account lacks PROCESS, which InnoDB's history list length needs",
                    LoadSignals.read(c, List.of("trx_rseg_history_len")).get("trx_rseg_history_len").error());
        }

        try (CopyHarness h = new CopyHarness(dir, root, root, 20_000)) {
            h.startInProcess();
            h.configureTarget();
            TestDatabases.execute(CopyHarness.copier(root), "CREATE TABLE " + h.targetDb + ".churn (id INT PRIMARY KEY, n INT)",
                    "INSERT INTO " + h.targetDb + ".churn VALUES (1, 0)");
            long before = historyLength(root);
            try (Connection reader = open(root); Connection writer = open(root)) {
                // A read view held open: purge cannot remove the undo logs of what commits after it.
                try (Statement st = reader.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    st.executeQuery("SELECT COUNT(*) FROM " + h.targetDb + ".churn").close();
                }
                try (Statement st = writer.createStatement()) {
                    for (int i = 0; i < 3000; i++) {
                        st.executeUpdate("UPDATE " + h.targetDb + ".churn SET n = n + 1 WHERE id = 1");
                    }
                }
                long grown = historyLength(root);
                assertTrue(grown >= before + 2000, "history " + before + " -> " + grown);
                long limit = (before + grown) / 2;
                Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(Pace.newBuilder().setChunkSize(1_000)
                        .setSleepMs(0).addMaxLoad(LoadLimit.newBuilder().setName("trx_rseg_history_len").setLimit(limit))).build());
                Job waiting = awaitThrottle(h, job.getId(), ThrottleCause.THROTTLE_CAUSE_LOAD);
                assertEquals("trx_rseg_history_len", waiting.getThrottle().getSignal());
                assertEquals(limit, waiting.getThrottle().getLimit());
                assertTrue(waiting.getThrottle().getValue() > limit, waiting.toString());
                assertTrue(waiting.getThrottleReason().startsWith("trx_rseg_history_len "), waiting.getThrottleReason());
                assertEquals(0, waiting.getRowsDone(), "no chunk while the history is long");
                try (Statement st = reader.createStatement()) {
                    st.execute("COMMIT");
                }
            }
            // The read view gone, purge catches up and the copy goes on by itself. MySQL's purge sleeps on a server
            // with no commits (it waits for activity), so the site goes on committing now and then, as a live one does.
            String id = h.client.listJobs().getJobs(0).getId();
            long deadline = System.nanoTime() + 120_000_000_000L;
            try (Connection site = open(root); Statement st = site.createStatement()) {
                while (h.client.getJob(id).getState() != JobState.JOB_STATE_SUCCEEDED && System.nanoTime() < deadline) {
                    st.executeUpdate("UPDATE " + h.targetDb + ".churn SET n = n + 1 WHERE id = 1");
                    Thread.sleep(200);
                }
            }
            Job done = h.client.getJob(id);
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done + "\nopen transactions: " + TestDatabases.queryStrings(root,
                    "SELECT CONCAT_WS(' ', trx_mysql_thread_id, trx_state, trx_started, trx_isolation_level, IFNULL(trx_query, '-'))"
                            + " FROM information_schema.INNODB_TRX") + "\nprocesses: " + TestDatabases.queryStrings(root,
                    "SELECT CONCAT_WS(' ', ID, USER, COMMAND, TIME, IFNULL(INFO, '-')) FROM information_schema.PROCESSLIST"));
            assertEquals(20_000, done.getRowsDone());
            assertEquals(ThrottleCause.THROTTLE_CAUSE_NONE, done.getThrottle().getCause());
        }
    }

    @Test
    void outsideItsWindowACopyWaitsSayingWhenAndAPaceChangeOpensIt() throws Exception {
        Endpoint root = TestDatabases.root();
        try (CopyHarness h = new CopyHarness(dir, root, root, 5_000)) {
            Files.writeString(h.config, Files.readString(h.config) + "metrics:\n  listen: 127.0.0.1:0\n");
            h.startInProcess();
            h.configureTarget();
            // A one-hour window twelve hours from now (UTC): closed whenever the test runs.
            ZonedDateTime opens = ZonedDateTime.now(ZoneOffset.UTC).plusHours(12).withSecond(0).withNano(0);
            String window = String.format("%02d:%02d-%02d:%02d", opens.getHour(), opens.getMinute(), opens.plusHours(1).getHour(), opens.getMinute());
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(Pace.newBuilder().setChunkSize(1_000)
                    .setSleepMs(0).setWindow(window).setTimeZone("UTC")).build());
            Job waiting = awaitThrottle(h, job.getId(), ThrottleCause.THROTTLE_CAUSE_OUTSIDE_WINDOW);
            ZonedDateTime resumes = ZonedDateTime.parse(waiting.getThrottle().getResumesAt());
            assertEquals(opens.toInstant(), resumes.toInstant(), waiting.getThrottle().toString());
            assertTrue(waiting.getThrottleReason().startsWith("outside the window " + window + " UTC; resumes at "), waiting.getThrottleReason());
            String text = MetricsIT.scrape(h.agent.metricsPort());
            assertEquals(1.0, MetricsIT.value(text, "csmh_job_throttled", "cause=\"outside_window\",job_id=\"" + job.getId() + "\",kind=\"copy\",signal=\"\""), text);
            assertEquals((double) opens.toEpochSecond(), MetricsIT.value(text, "csmh_job_resumes_at_timestamp_seconds",
                    "job_id=\"" + job.getId() + "\",kind=\"copy\""), text);
            Thread.sleep(2_000);
            assertEquals(0, h.client.getJob(job.getId()).getRowsDone(), "nothing copied outside the window");

            // A bad window is refused and the job keeps its own.
            CopyCliIT.Run bad = csmhctl(h, "pace", job.getId(), "--window", "25:00-26:00");
            assertEquals(2, bad.code(), bad.toString());
            assertTrue(bad.err().contains("window range '25:00-26:00': '25:00' is not a time HH:MM"), bad.err());
            assertEquals(window, h.client.getJob(job.getId()).getPace().getWindow());
            // The operator opens it live: any time from now on.
            CopyCliIT.Run open = csmhctl(h, "pace", job.getId(), "--window", "");
            assertEquals(0, open.code(), open.toString());
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(5_000, done.getRowsDone());
            assertEquals("", done.getPace().getWindow());
        }
    }

    @Test
    void aMaxLoadThatIsNotANameIsRefusedAndStartsNothing() throws Exception {
        Endpoint root = TestDatabases.root();
        try (CopyHarness h = new CopyHarness(dir, root, root, 1_000)) {
            h.startInProcess();
            h.configureTarget();
            CopyCliIT.Run r = csmhctl(h, "copy", "--growth-check-seconds", "0", "--max-load", "Threads_running=abc");
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("--max-load: the limit of Threads_running is not a whole number"), r.err());
            io.grpc.StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> h.client.startCopy(StartCopyRequest.newBuilder().setPace(Pace.newBuilder()
                            .addMaxLoad(LoadLimit.newBuilder().setName("Threads running").setLimit(5))).build()));
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertEquals(0, h.client.listJobs().getJobsCount());
        }
    }


    /** csmhctl against this harness's agent, as CopyCliIT runs it (not on a terminal). */
    private static CopyCliIT.Run csmhctl(CopyHarness h, String... args) {
        return CopyCliIT.run(h, false, args);
    }

    private static Job awaitThrottle(CopyHarness h, String id, ThrottleCause cause) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Job j = h.client.getJob(id);
        while (j.getThrottle().getCause() != cause && System.nanoTime() < deadline && !org.csmh.agent.job.JobHandle.isTerminal(j.getState())) {
            Thread.sleep(50);
            j = h.client.getJob(id);
        }
        assertEquals(cause, j.getThrottle().getCause(), j.toString());
        return j;
    }

    private static long historyLength(Endpoint root) throws Exception {
        try (Connection c = open(root)) {
            return LoadSignals.read(c, List.of("trx_rseg_history_len")).get("trx_rseg_history_len").value();
        }
    }

    private static Connection open(Endpoint e) throws Exception {
        return new org.csmh.agent.mysql.ConnectionFactory(5000).open(e);
    }
}
