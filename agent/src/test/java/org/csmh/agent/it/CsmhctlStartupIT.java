package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/csmhctl as a shell runs it, with the build's class-data sharing archive and native library (the client module
 * is packaged before these tests run): what its start-up relies on, checked from the JVM's own class-loading log.
 */
class CsmhctlStartupIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path dir;

    /** Runs bin/csmhctl with extra JVM options (CSMHCTL_JAVA_OPTS, added after its own); its exit code. */
    private int csmhctl(String jvmOptions, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/csmhctl").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("CSMHCTL_JAVA_OPTS", jvmOptions);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "csmhctl did not end");
        return p.exitValue();
    }

    @Test
    void startsFromTheArchiveWithPicocliInItAndTheInstalledNativeLibrary() throws Exception {
        assumeTrue(Files.exists(ROOT.resolve("client/target/csmhctl.jsa")), "the client module's package phase dumps the archive");
        Path log = dir.resolve("classes.log");
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        // An unreachable agent: the head start opens the Unix-socket channel, which loads the native transport.
        int code = csmhctl("-Xlog:class+load:file=" + log + " -Djava.io.tmpdir=" + tmp, "--agent", "unix:" + dir.resolve("nobody.sock"),
                "--timeout", "2", "status");
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertEquals(3, code, out); // ExitCodes.UNAVAILABLE
        assertTrue(out.contains("no socket at that path (is the agent running?)"), out);
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" picocli.CommandLine source: shared objects file")),
                "picocli.CommandLine (class-file version 49) must come from the static archive: " + lines.stream()
                        .filter(l -> l.contains("picocli.CommandLine ")).toList());
        long fromJar = lines.stream().filter(l -> l.contains("source: file:")).count();
        assertTrue(fromJar < 10, fromJar + " classes parsed from the jar, not the archive: "
                + lines.stream().filter(l -> l.contains("source: file:")).limit(20).toList());
        assertTrue(lines.stream().anyMatch(l -> l.contains("io.grpc.netty.shaded.io.netty.channel.epoll.Native ")), "the epoll transport was loaded");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "Netty copied its native library into java.io.tmpdir instead of loading client/target/lib's");
        }
    }
}
