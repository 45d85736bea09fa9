package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyPlan;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PlanCopyRequest;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.WatchJobRequest;

/**
 * Scale: one copy and one verify of many rows (20M by default; a table larger than the buffer pool), same instance and
 * cross server on MariaDB 10.11. Whether the last segment of ids goes as fast as the first (time per million rows of
 * the first and last 5M), whether the agent's heap after GC stays flat across segments, and the plan's prediction
 * beside what happened. {@code bench/run.sh scale [--rows 20000000] [--segment 5000000] [--modes same,cross]}.
 */
public final class ScaleBenchmark {
    private static final Pattern GC = Pattern.compile("^\\[([0-9.]+)s\\].*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private ScaleBenchmark() {
    }

    /** When the job passed each id (seconds since it started), read from its events. */
    record Track(List<double[]> points, double seconds, Job last) {
        /** Seconds per million ids between ids {@code from} and {@code to}, from the events nearest them. */
        double secondsPerMillion(long from, long to) {
            double[] a = at(from);
            double[] b = at(to);
            return (b[1] - a[1]) / ((b[0] - a[0]) / 1e6);
        }

        private double[] at(long id) {
            double[] best = points.get(0);
            for (double[] p : points) {
                if (Math.abs(p[0] - id) < Math.abs(best[0] - id)) {
                    best = p;
                }
            }
            return best;
        }

        /** Agent uptime (s) at the event nearest this id. */
        double uptimeAt(long id) {
            return at(id)[2];
        }
    }

    public static void main(String[] args) throws Exception {
        long rows = 20_000_000;
        long segment = 5_000_000;
        List<String> modes = List.of("same", "cross");
        Path out = Path.of("bench/results/scale-20m.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--segment" -> segment = Long.parseLong(args[++i]);
                case "--modes" -> modes = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-scale");
        StringBuilder s = new StringBuilder("# Scale: ").append(String.format(Locale.ROOT, "%,d", rows)).append(" rows\n\nRun ").append(Instant.now())
                .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(Runtime.getRuntime().maxMemory() > 0 ? "" : "").append("MariaDB 10.11 sandboxes with a 1 GiB buffer pool (the table is ~10x that);")
                .append(" the agent in its own JVM (-Xmx256m), copy at sleep_ms 0 with the agent's other defaults, verify at its defaults.")
                .append(" Time per million rows over the first and the last segment of ids; the agent's heap after GC, largest per segment.\n\n")
                .append("| case | plan: time / CSMHE | actual: time / CSMHE | first ").append(segment / 1_000_000).append("M (s per M) | last ")
                .append(segment / 1_000_000).append("M (s per M) | last / first | heap after GC per segment (MiB) |\n|---|---|---|---:|---:|---:|---|\n");
        try (DatabaseSandbox a = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("a"), 1024, List.of());
             DatabaseSandbox b = modes.contains("cross") ? DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("b"), 1024, List.of()) : null) {
            log("seeding %,d rows", rows);
            long t0 = System.nanoTime();
            BenchData.seed(a.rootEndpoint(), rows);
            long seeded = BenchData.queryLong(a.rootEndpoint(), "SELECT COUNT(*) FROM " + BenchData.SRC + "." + TableNames.CSMH);
            long maxId = BenchData.maxId(a.rootEndpoint());
            log("seeded %,d rows (max id %,d) in %.0f s", seeded, maxId, (System.nanoTime() - t0) / 1e9);
            for (String mode : modes) {
                DatabaseSandbox target = mode.equals("same") ? a : b;
                BenchData.freshTarget(target.rootEndpoint(), "csmh_bench", TableNames.CSMHE, maxId);
                try (BenchAgent agent = new BenchAgent(work, "256m", a.port(), target.port())) {
                    StartCopyRequest copy = StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                            .setMode(mode.equals("same") ? CopyMode.COPY_MODE_SAME_INSTANCE : CopyMode.COPY_MODE_CROSS_SERVER)
                            .setPace(Pace.newBuilder().setSleepMs(0)).build();
                    CopyPlan plan = agent.client.planCopy(PlanCopyRequest.newBuilder().setCopy(copy).build());
                    log("%s plan: %d s, +%,d bytes", mode, plan.getWorkSeconds(), plan.getTargetBytesAdded());
                    long fileBefore = PlanAccuracyBenchmark.ibdBytes(target.rootEndpoint());
                    Track c = follow(agent, agent.client.startCopy(copy), true);
                    long bytes = PlanAccuracyBenchmark.ibdBytes(target.rootEndpoint()) - fileBefore;
                    row(s, mode + " copy", plan, c, bytes, maxId, segment, agent.gcLog);
                    Track v = follow(agent, agent.client.startVerify(StartVerifyRequest.getDefaultInstance()), false);
                    row(s, mode + " verify", null, v, 0, maxId, segment, agent.gcLog);
                    log("%s", s);
                }
            }
        }
        System.out.println(s);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, s.toString());
    }

    private static Track follow(BenchAgent agent, Job started, boolean copy) throws Exception {
        long t0 = System.nanoTime();
        long agentStart = agent.process.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
        List<double[]> points = new ArrayList<>();
        Job last = started;
        Iterator<Job> events = agent.client.watch(WatchJobRequest.newBuilder().setId(started.getId()).build());
        while (events.hasNext()) {
            last = events.next();
            points.add(new double[] {last.getCurrentId(), (System.nanoTime() - t0) / 1e9, (System.currentTimeMillis() - agentStart) / 1000.0});
        }
        if (last.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw new IllegalStateException((copy ? "copy" : "verify") + " did not succeed: " + last);
        }
        return new Track(points, (System.nanoTime() - t0) / 1e9, last);
    }

    private static void row(StringBuilder s, String label, CopyPlan plan, Track t, long bytes, long maxId, long segment, Path gcLog) throws Exception {
        double first = t.secondsPerMillion(0, segment);
        double last = t.secondsPerMillion(maxId - segment, maxId);
        List<String> heap = new ArrayList<>();
        for (long lo = 0; lo < maxId; lo += segment) {
            long mb = heapAfterGc(gcLog, t.uptimeAt(lo), t.uptimeAt(Math.min(maxId, lo + segment)));
            heap.add(mb < 0 ? "-" : Long.toString(mb)); // "-": no collection ran in that segment
        }
        s.append(String.format(Locale.ROOT, "| %s | %s | %.0f s%s | %.1f | %.1f | %.2f | %s |%n", label,
                plan == null ? "" : String.format(Locale.ROOT, "%d s / %.1f GiB", plan.getWorkSeconds(), plan.getTargetBytesAdded() / 1073741824.0),
                t.seconds(), bytes > 0 ? String.format(Locale.ROOT, " / %.1f GiB", bytes / 1073741824.0) : "", first, last, last / first,
                String.join(", ", heap)));
    }

    /** The largest heap after a collection between two agent uptimes (the GC log's decoration is uptime); -1: none ran. */
    static long heapAfterGc(Path log, double from, double to) throws Exception {
        long max = -1;
        for (String line : Files.readAllLines(log)) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                double at = Double.parseDouble(m.group(1));
                if (at >= from && at <= to) {
                    max = Math.max(max, Long.parseLong(m.group(3)));
                }
            }
        }
        return max;
    }

    private static void log(String format, Object... args) {
        System.err.printf("[%s] %s%n", Instant.now(), String.format(Locale.ROOT, format, args));
    }
}
