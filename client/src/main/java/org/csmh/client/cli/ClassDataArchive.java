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
import org.csmh.proto.v1.Job;

/**
 * Dumps csmhctl's class-data sharing archive, the one way the build, the role and the image make it:
 * {@code java -cp csmhctl.jar org.csmh.client.cli.ClassDataArchive OUT.jsa}. A static archive, not a dynamic
 * one: picocli's classes are class-file version 49, which only a static archive holds in Java 17, and parsing
 * them was most of csmhctl's start. Two JVMs: one lists the classes a training run loads (the commands below, each
 * against a socket where no agent listens, so nothing is called and nothing changes), one dumps them.
 */
public final class ClassDataArchive {
    /** The flags csmhctl runs with (bin/csmhctl, the role's wrapper, the image's): an archive is dumped for them. */
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
            Path dumped = work.resolve("csmhctl.jsa");
            run(work, java, "-XX:DumpLoadedClassList=" + list, "-cp", jar, ClassDataArchive.class.getName(), "--train", work.toString());
            run(work, java, "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + dumped, "-cp", jar);
            // the JVM maps the archive while csmhctl runs: a new one replaces it whole, never in place
            Files.move(dumped, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            try (var files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
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

    /** What a call loads: parsing, a copy's request, the channel and its failure, help, JSON and text output. */
    private static void train(Path dir) {
        String agent = "unix:" + dir.resolve("no-agent-here.sock");
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        List<String[]> lines = List.of(
                new String[] {"--agent", agent, "--timeout", "1", "copy", "--json", "--range-end", "1", "--chunk-size", "1000"},
                new String[] {"--agent", agent, "--timeout", "1", "status"},
                new String[] {"--agent", agent, "--timeout", "1", "watch", "--json", "0"},
                new String[] {"verify", "--help"});
        for (String[] line : lines) {
            Csmhctl.run(line, sink, sink, new ByteArrayInputStream(new byte[0]), false);
        }
        sink.println(Csmhctl.compactJson(Job.getDefaultInstance()));
        sink.println(ProgressBar.render(Job.getDefaultInstance()));
    }
}
