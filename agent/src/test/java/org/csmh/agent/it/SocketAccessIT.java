package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.Agent;
import org.csmh.agent.config.AgentConfigLoader;
import org.csmh.agent.testing.Fixtures;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Flag;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default listener: a Unix socket whose mode (0660) and group decide who may call. Real callers of other
 * uids, through curl speaking gRPC over the socket: one outside the group cannot connect and changes nothing; one
 * in the group makes the same call and it takes effect, with an audit line naming the call and the caller's uid and pid.
 */
class SocketAccessIT {
    static Path dir;
    static Agent agent;
    static Path socket;
    static org.csmh.agent.testing.LogCapture audit;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "callers of other uids need root to start them");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/curl")), "setpriv and curl");
        // Any caller may enter the directory; only the socket's own mode and group decide.
        dir = Files.createTempDirectory(Path.of("/tmp"), "csmh-sock");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Fixtures.agentConfig(dir, TestDatabases.root(), "edxapp_sock");
        Files.writeString(config, Files.readString(config) + "socket_group: staff\n");
        agent = new Agent(AgentConfigLoader.load(config)).start();
        audit = org.csmh.agent.testing.LogCapture.of("org.csmh.agent.audit");
        socket = dir.resolve("agent.sock");
    }

    @AfterAll
    static void stop() throws Exception {
        if (audit != null) {
            audit.close();
        }
        if (agent != null) {
            agent.stop();
            assertFalse(Files.exists(socket), "the socket file goes with the agent");
        }
    }

    /** UpdateSettings (turn ENABLE_CSMH_EXTENDED on) as uid nobody, with or without the socket's group. */
    static Result updateSettingsAs(boolean inGroup) throws Exception {
        byte[] message = UpdateSettingsRequest.newBuilder().setEnableCsmhExtended(Flag.FLAG_TRUE).build().toByteArray();
        Path frame = dir.resolve("frame-" + inGroup);
        Files.write(frame, ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array());
        Files.setPosixFilePermissions(frame, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534"));
        cmd.add(inGroup ? "--groups=50" : "--clear-groups");
        cmd.addAll(List.of("/usr/bin/curl", "-sS", "--http2-prior-knowledge", "--unix-socket", socket.toString(),
                "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@" + frame,
                "-o", "/dev/null", "-w", "%{http_code}", "http://localhost/csmh.v1.CsmhAgent/UpdateSettings"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, p.pid());
    }

    /** curl's exit code and output, and its pid (setpriv runs it in its own process). */
    record Result(int exit, String output, long pid) {
    }

    @Test
    void onlyTheSocketsGroupMayCall() throws Exception {
        PosixFileAttributes attrs = Files.readAttributes(socket, PosixFileAttributes.class);
        assertEquals("rw-rw----", PosixFilePermissions.toString(attrs.permissions()));
        assertEquals("staff", attrs.group().getName());
        assertEquals(0, Files.list(dir).filter(f -> f.getFileName().toString().endsWith(".binding")).count(), "no private name left behind");

        String lms = Files.readString(dir.resolve("lms.yml"));
        Result outsider = updateSettingsAs(false);
        assertEquals(7, outsider.exit(), "curl: could not connect: " + outsider);
        assertTrue(outsider.output().contains("Permission denied") || outsider.output().contains("Couldn't connect"), outsider.output());
        assertEquals(lms, Files.readString(dir.resolve("lms.yml")), "nothing changed");
        assertFalse(audit.messages().stream().anyMatch(l -> l.contains("rpc=UpdateSettings")), audit.messages().toString());

        Result member = updateSettingsAs(true);
        assertEquals(0, member.exit(), member.toString());
        assertTrue(member.output().endsWith("200"), member.toString());
        String after = Files.readString(dir.resolve("lms.yml"));
        assertTrue(after.contains("ENABLE_CSMH_EXTENDED: true"), "the member's call took effect:\n" + after);
        // who called, as the kernel saw them connect: nobody's uid and gid (not the group that let them in), curl's pid
        assertTrue(audit.messages().stream().anyMatch(l -> l.startsWith("event=audit phase=end rpc=UpdateSettings")
                && l.contains("peer=unix:" + socket + " uid=65534 gid=65534 pid=" + member.pid() + " ") && l.contains("status=OK")), audit.messages().toString());
    }

    @Test
    void aSecondAgentOnTheSameSocketIsRefused() throws Exception {
        Path config = dir.resolve("agent.yml");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> new Agent(AgentConfigLoader.load(config)).start());
        assertTrue(e.getMessage().contains("another process is listening on " + socket), e.getMessage());
    }
}
