package org.csmh.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.csmh.client.AgentChannel;
import org.csmh.client.ClientSecurity;
import org.csmh.client.CsmhClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel csmhctl opens while it parses: which address it guesses, and when the command may use it. */
class HeadStartTest {
    @TempDir
    Path dir;

    @Test
    void guessesTheAddressAsPicocliWillParseIt() {
        assertEquals("unix:/a.sock", HeadStart.target(new String[] {"--agent", "unix:/a.sock", "copy"}, "unix:/env.sock"));
        assertEquals("10.0.0.1:7000", HeadStart.target(new String[] {"copy", "--json", "--agent=10.0.0.1:7000"}, null));
        assertEquals("unix:/second", HeadStart.target(new String[] {"--agent", "unix:/first", "jobs", "--agent", "unix:/second"}, null));
        assertEquals("unix:/env.sock", HeadStart.target(new String[] {"copy", "--", "--agent", "unix:/not-an-option"}, "unix:/env.sock"));
        assertEquals(CsmhClient.DEFAULT_TARGET, HeadStart.target(new String[] {"status", "--agent"}, null));
    }

    @Test
    void theCommandTakesTheChannelOnceForTheSameAddressWithPlainSecurity() throws Exception {
        Path socket = dir.resolve("agent.sock");
        EpollEventLoopGroup loop = new EpollEventLoopGroup(1);
        // a real gRPC server with no services: the channel only has to connect
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString())).channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loop).workerEventLoopGroup(loop).build().start();
        try {
            String target = "unix:" + socket;
            try (HeadStart head = HeadStart.begin(new String[] {"--agent", target, "jobs"})) {
                AgentChannel c = head.take(target, ClientSecurity.plain());
                assertNotNull(c, "the channel opened ahead serves the same address");
                assertNull(head.take(target, ClientSecurity.plain()), "a second connect opens its own");
                c.close();
            }
            try (HeadStart head = HeadStart.begin(new String[] {"--agent", target, "jobs"})) {
                assertNull(head.take("unix:" + dir.resolve("other.sock"), ClientSecurity.plain()), "another address");
            }
            try (HeadStart head = HeadStart.begin(new String[] {"--agent", target, "jobs"})) {
                assertNull(head.take(target, new ClientSecurity(false, null, null, null, "t0ken")), "a token: the command builds its channel");
            }
            try (HeadStart head = HeadStart.begin(new String[] {"jobs", "--help"})) {
                assertNull(head.take(target, ClientSecurity.plain()), "help makes no call: nothing opened ahead");
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailedConnectionIsLeftToAFreshChannelSoTheErrorIsTheSame() throws Exception {
        String target = "unix:" + dir.resolve("nobody-listens.sock");
        try (HeadStart head = HeadStart.begin(new String[] {"--agent", target, "jobs"})) {
            AgentChannel opened = head.opened();
            assertNotNull(opened);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (opened.servesFor(target) && System.nanoTime() < deadline) {
                Thread.sleep(20); // the connection attempt fails at once (no socket file), but on its own thread
            }
            assertNull(head.take(target, ClientSecurity.plain()));
        }
    }

    @Test
    void buildsOnlyTheNamedCommandOrAllOfThem() {
        assertEquals(java.util.Set.of("copy"), Csmhctl.commandLine(new Csmhctl(), new String[] {"--agent", "unix:/a", "copy", "--json"}).getSubcommands().keySet());
        // a global option's value is not the command's name, even when it spells one
        assertEquals(java.util.Set.of("status"), Csmhctl.commandLine(new Csmhctl(), new String[] {"--timeout", "copy", "status"}).getSubcommands().keySet());
        assertEquals(Csmhctl.SUBCOMMANDS.size(), Csmhctl.commandLine(new Csmhctl(), new String[] {"--help"}).getSubcommands().size());
        assertEquals(Csmhctl.SUBCOMMANDS.size(), Csmhctl.commandLine(new Csmhctl(), new String[] {"cpy"}).getSubcommands().size(),
                "a misspelt name: every command, so picocli can suggest one");
        assertTrue(Csmhctl.commandLine(new Csmhctl(), new String[] {"jobs"}).getSubcommands().get("jobs").getCommandSpec().options().stream()
                .anyMatch(o -> o.longestName().equals("--json")), "the global options are inherited by a command added alone");
    }

    @Test
    void opensNothingAheadToATcpAgentOrWithTlsOptions() throws Exception {
        try (java.net.ServerSocket tcp = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + tcp.getLocalPort();
            tcp.setSoTimeout(700);
            try (HeadStart head = HeadStart.begin(new String[] {"--agent", target, "jobs"})) {
                // a plaintext connection to an agent that takes TLS would be a handshake error in its log at every call
                assertThrows(java.net.SocketTimeoutException.class, tcp::accept, "nothing connects to a TCP agent ahead of the command");
                assertNull(head.take(target, ClientSecurity.plain()));
            }
        }
        Path socket = dir.resolve("tls.sock");
        try (HeadStart head = HeadStart.begin(new String[] {"--agent", "unix:" + socket, "--tls-ca", "ca.pem", "jobs"})) {
            assertNull(head.take("unix:" + socket, ClientSecurity.plain()), "TLS options: the command builds its own channel");
        }
    }
}
