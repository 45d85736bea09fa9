package org.csmh.client.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import org.csmh.proto.v1.CsmhAgentGrpc;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.GetStatusResponse;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.ListJobsRequest;
import org.csmh.proto.v1.ListJobsResponse;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.WatchJobRequest;

/**
 * Dumps csmhctl's class-data sharing archive, the one way the build, the role and the image make it:
 * {@code java -cp csmhctl.jar org.csmh.client.cli.ClassDataArchive OUT.jsa}. A static archive, not a dynamic
 * one: picocli's classes are class-file version 49, which only a static archive holds in Java 17, and parsing
 * them was most of csmhctl's start. Two JVMs: one lists the classes a training run loads, one dumps them. The
 * training runs csmhctl's commands against {@link TrainingAgent} on a socket of its own, so that what a real call
 * loads (HTTP/2 frames, a response, a job's stream, JSON and text output) is in the archive, and against a socket
 * where nothing listens (the unreachable path). It touches no agent and no database.
 */
public final class ClassDataArchive {
    /**
     * Those of csmhctl's flags (bin/csmhctl, the role's wrapper, the image's) that the archive must be dumped with: the
     * collector decides whether it maps, and the training run compiles as csmhctl does. The wrappers' other flags
     * (compiler threads, perf data, reflection) do not touch the archive.
     */
    static final List<String> CLIENT_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private ClassDataArchive() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--train")) {
            train(Path.of(args[1]));
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: java -cp csmhctl.jar " + ClassDataArchive.class.getName() + " OUT.jsa");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createTempDirectory("csmhctl-cds");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String jar = Path.of(ClassDataArchive.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            Path list = work.resolve("classes.lst");
            // dumped beside its final name (the same file system, so the rename below is atomic): a csmhctl that
            // starts meanwhile maps the old archive or the new one, never half of one
            Path dumped = out.resolveSibling(out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            try {
                run(work, java, "-XX:DumpLoadedClassList=" + list, "-cp", jar, ClassDataArchive.class.getName(), "--train", work.toString());
                withoutOldClassLambdas(list);
                run(work, java, "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + dumped, "-cp", jar);
                Files.move(dumped, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(dumped);
            }
        } finally {
            try (var files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    /**
     * Drops the list's lambda proxies that implement or take picocli types. Java 17 links a lambda's types when it
     * dumps the proxy, and leaves an old class (picocli's are class-file version 49) out of the archive once it has
     * been linked: picocli.CommandLine, the largest class csmhctl loads, was parsed from the jar at every start. The
     * few lambdas dropped are spun at run time instead.
     */
    static void withoutOldClassLambdas(Path list) throws IOException {
        List<String> kept = Files.readAllLines(list).stream().filter(l -> !(l.startsWith("@lambda-proxy") && l.contains("Lpicocli/"))).toList();
        Files.write(list, kept);
    }

    private static void run(Path work, String java, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(CLIENT_FLAGS);
        cmd.addAll(List.of(args));
        Path log = work.resolve("jvm.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
    }

    /** What a call loads: parsing, a copy's request, its job followed to the end, help, JSON and text output, errors. */
    private static void train(Path dir) throws IOException, InterruptedException {
        String agent = "unix:" + dir.resolve("training-agent.sock");
        String nobody = "unix:" + dir.resolve("no-agent-here.sock");
        EpollEventLoopGroup loop = new EpollEventLoopGroup(1);
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(dir.resolve("training-agent.sock").toString()))
                .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(loop).workerEventLoopGroup(loop)
                .addService(new TrainingAgent()).build().start();
        try {
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            List<String[]> lines = List.of(
                    new String[] {"--agent", agent, "copy", "--json", "--range-end", "1", "--chunk-size", "1000", "--growth-check-seconds", "0"},
                    new String[] {"--agent", agent, "verify"},
                    new String[] {"--agent", agent, "status"},
                    new String[] {"--agent", agent, "jobs", "--json"},
                    new String[] {"--agent", nobody, "--timeout", "1", "status"},
                    new String[] {"verify", "--help"});
            int[] expected = {ExitCodes.OK, ExitCodes.OK, ExitCodes.OK, ExitCodes.OK, ExitCodes.UNAVAILABLE, ExitCodes.OK};
            for (int i = 0; i < lines.size(); i++) {
                int code = Csmhctl.run(lines.get(i), sink, sink, new ByteArrayInputStream(new byte[0]), false);
                if (code != expected[i]) {
                    // a training line that takes another path would leave its classes out of the archive
                    throw new IllegalStateException("training call " + String.join(" ", lines.get(i)) + " exited " + code + ", not " + expected[i]);
                }
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Answers the training run's calls with fixed replies, as the agent would shape them: a job that starts, is
     * followed to success, and is listed; an empty checklist. Used only to load classes; never a stand-in in tests.
     */
    private static final class TrainingAgent extends CsmhAgentGrpc.CsmhAgentImplBase {
        private static Job job(JobState state) {
            return Job.newBuilder().setId("training").setKind(JobKind.JOB_KIND_COPY).setState(state).setRangeStart(1).setRangeEnd(1)
                    .setCurrentId(state == JobState.JOB_STATE_SUCCEEDED ? 1 : 0).setRowsDone(state == JobState.JOB_STATE_SUCCEEDED ? 1 : 0).build();
        }

        @Override
        public void startCopy(StartCopyRequest request, StreamObserver<Job> out) {
            out.onNext(job(JobState.JOB_STATE_RUNNING));
            out.onCompleted();
        }

        @Override
        public void startVerify(StartVerifyRequest request, StreamObserver<Job> out) {
            out.onNext(job(JobState.JOB_STATE_RUNNING));
            out.onCompleted();
        }

        @Override
        public void watchJob(WatchJobRequest request, StreamObserver<Job> out) {
            out.onNext(job(JobState.JOB_STATE_RUNNING));
            out.onNext(job(JobState.JOB_STATE_SUCCEEDED));
            out.onCompleted();
        }

        @Override
        public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
            out.onNext(ListJobsResponse.newBuilder().addJobs(job(JobState.JOB_STATE_SUCCEEDED)).build());
            out.onCompleted();
        }

        @Override
        public void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> out) {
            out.onNext(GetStatusResponse.getDefaultInstance());
            out.onCompleted();
        }
    }
}
