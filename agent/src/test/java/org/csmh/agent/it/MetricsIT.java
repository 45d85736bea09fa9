package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint scraped during a real copy: the job's counters move while it runs and, at the end, the
 * scrape says what GetJob says (rows, current id, chunks, histogram count); build info and uptime are there.
 */
class MetricsIT {
    @TempDir
    Path dir;

    static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The value of one series, e.g. csmh_job_rows_done{job_id="x",kind="copy"} (labels in name order); NaN when absent. */
    static double value(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void aScrapeDuringACopyMovesAndEndsWhereTheJobDoes() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 20_000)) {
            Files.writeString(h.config, Files.readString(h.config) + "metrics:\n  listen: 127.0.0.1:0\n");
            h.startInProcess();
            h.configureTarget();
            int port = h.agent.metricsPort();
            assertTrue(port > 0);
            String idle = scrape(port);
            assertTrue(idle.contains("csmh_agent_build_info{version=\"" + org.csmh.agent.Agent.VERSION + "\"} 1"), idle);
            assertTrue(Pattern.compile("(?m)^csmh_agent_uptime_seconds [0-9.eE+-]+$").matcher(idle).find(), idle);

            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(150)).build());
            String labels = "job_id=\"" + job.getId() + "\",kind=\"copy\"";
            h.awaitProgress(job.getId(), 3000, 60_000);
            double early = value(scrape(port), "csmh_job_rows_done", labels);
            h.awaitProgress(job.getId(), 9000, 60_000);
            String mid = scrape(port);
            double later = value(mid, "csmh_job_rows_done", labels);
            assertTrue(early >= 3000 && later > early, "rows_done moves during the copy: " + early + " then " + later);
            assertEquals(1.0, value(mid, "csmh_job_state", labels + ",state=\"running\""), mid);
            assertTrue(value(mid, "csmh_job_rows_per_second", labels) > 0, mid);

            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            String end = scrape(port);
            assertEquals(done.getRowsDone(), (long) value(end, "csmh_job_rows_done", labels), end);
            assertEquals(20_000, done.getRowsDone());
            assertEquals(done.getCurrentId(), (long) value(end, "csmh_job_current_id", labels));
            assertEquals(done.getRangeEnd(), (long) value(end, "csmh_job_range_end_id", labels));
            assertEquals(1.0, value(end, "csmh_job_progress_ratio", labels));
            assertEquals(0.0, value(end, "csmh_job_recount_progress_ratio", labels), "no recount runs after the copy: " + end);
            assertEquals(1.0, value(end, "csmh_job_state", labels + ",state=\"succeeded\""), end);
            // Every chunk the job counted went through the histogram, and its rows through the counter.
            assertEquals(done.getChunksDone(), (long) value(end, "csmh_job_chunk_duration_seconds_count", "kind=\"copy\""), end);
            assertEquals(done.getRowsDone(), (long) value(end, "csmh_job_chunk_rows_total", "kind=\"copy\""), end);
            assertTrue(value(end, "csmh_job_chunk_duration_seconds_sum", "kind=\"copy\"") > 0, end);

            // The Grafana dashboard asks only for series the agent serves (it would show "No data" otherwise).
            Path dashboard = Path.of(System.getProperty("user.dir")).getParent().resolve("docker/grafana/dashboards/csmh-agent.json");
            Matcher names = Pattern.compile("csmh_[a-z_]+").matcher(Files.readString(dashboard));
            java.util.Set<String> asked = new java.util.TreeSet<>();
            while (names.find()) {
                asked.add(names.group());
            }
            assertTrue(asked.size() >= 10, asked.toString());
            // Replica lag is served once a job watches a replica (none here; ReplicaLagIT has real replicas).
            asked.remove("csmh_replica_lag_seconds");
            for (String name : asked) {
                assertTrue(Pattern.compile("(?m)^" + name + "[{ ]").matcher(end).find(), "the dashboard's " + name + " is not served:\n" + end);
            }
        }
    }
}
