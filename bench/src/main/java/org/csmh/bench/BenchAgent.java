package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.WatchJobRequest;

/**
 * The agent as its own JVM (as in production, and so its heap and CPU can be read), on its own socket, with an
 * lms.yml whose default database is BenchData.SRC on one server and whose student_module_history is csmh_bench.
 */
final class BenchAgent implements AutoCloseable {
    final Path dir;
    final Process process;
    final CsmhClient client;
    final Path gcLog;

    BenchAgent(Path work, String heap, int sourcePort, int targetPort) throws Exception {
        this(work, heap, sourcePort, targetPort, System.getProperty("java.class.path"));
    }

    /** @param classpath the agent's classes: this build's, or another's to compare with (an earlier commit's shaded jar) */
    BenchAgent(Path work, String heap, int sourcePort, int targetPort, String classpath) throws Exception {
        this(work, heap, sourcePort, targetPort, classpath, "root", "");
    }

    /** @param user lms.yml's account for both databases (root, or one like the LMS's own, without PROCESS) */
    BenchAgent(Path work, String heap, int sourcePort, int targetPort, String classpath, String user, String password) throws Exception {
        dir = Files.createTempDirectory(work, "agent-");
        Files.writeString(dir.resolve("lms.yml"), """
                DATABASES:
                    default:
                        ENGINE: django.db.backends.mysql
                        HOST: 127.0.0.1
                        NAME: %s
                        PASSWORD: '%s'
                        PORT: '%d'
                        USER: %s
                    student_module_history:
                        ENGINE: django.db.backends.mysql
                        HOST: 127.0.0.1
                        NAME: csmh_bench
                        PASSWORD: '%s'
                        PORT: '%d'
                        USER: %s
                """.formatted(BenchData.SRC, password, sourcePort, user, password, targetPort, user));
        Files.writeString(dir.resolve("agent.yml"), "listen: unix:agent.sock\nlms_yml: lms.yml\nstate_dir: state\n");
        gcLog = dir.resolve("gc.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                GcLogHeap.jvmFlag(gcLog)));
        // For a profile of the agent alone, e.g. BENCH_AGENT_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/agent.jfr
        String extra = System.getenv("BENCH_AGENT_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", classpath, "org.csmh.agent.AgentMain", "--config", dir.resolve("agent.yml").toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        client = CsmhClient.connect(target(), 600_000);
        for (int i = 0; ; i++) {
            try {
                client.listJobs();
                break;
            } catch (RuntimeException e) {
                if (i == 200) {
                    throw new IllegalStateException("agent did not start: " + Files.readString(dir.resolve("agent.log")));
                }
                Thread.sleep(100);
            }
        }
        // In production the agent is already running when a copy starts: warm its database and gRPC paths first,
        // so the timing is the copy's and not the JVM's first minute.
        client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance());
    }

    String target() {
        return "unix:" + dir.resolve("agent.sock");
    }

    /** Starts a copy and follows it to its end; fails unless it copied {@code rows} rows. */
    Job copy(StartCopyRequest request, long rows) throws Exception {
        Job last = client.startCopy(request);
        Iterator<Job> events = client.watch(WatchJobRequest.newBuilder().setId(last.getId()).build());
        while (events.hasNext()) {
            last = events.next();
        }
        if (last.getState() != JobState.JOB_STATE_SUCCEEDED || last.getRowsDone() != rows) {
            throw new IllegalStateException("copy did not complete: " + last + "\n" + Files.readString(dir.resolve("agent.log")));
        }
        return last;
    }

    double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
    }

    @Override
    public void close() throws Exception {
        client.close();
        process.destroy();
        process.waitFor();
    }
}
