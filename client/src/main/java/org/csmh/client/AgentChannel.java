package org.csmh.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel to the agent at one address: its Unix socket (epoll, with its own event loop, which closing shuts
 * down) or TCP. Knows where it goes, so a channel opened ahead of time (csmhctl opens one while it parses its
 * command line) is only used for the same address.
 */
public final class AgentChannel implements AutoCloseable {
    private final String target;
    private final ManagedChannel channel;
    private final EventLoopGroup socketLoop;

    private AgentChannel(String target, ManagedChannel channel, EventLoopGroup socketLoop) {
        this.target = target;
        this.channel = channel;
        this.socketLoop = socketLoop;
    }

    /** {@code target} is {@code unix:/path/to/socket} or {@code host:port}. Does not connect yet. */
    public static AgentChannel open(String target, ClientSecurity security) throws java.io.IOException {
        if (target.startsWith("unix:")) {
            String path = target.substring("unix:".length()).replaceFirst("^//", "");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("agent address " + target + ": expected unix:/path/to/socket");
            }
            if (!Epoll.isAvailable()) {
                throw new IllegalStateException("cannot load the native library of the Unix-socket transport: " + Epoll.unavailabilityCause()
                        .getMessage() + ". Where java.io.tmpdir is mounted noexec, install it once with `java -cp csmhctl.jar"
                        + " org.csmh.client.cli.NativeTransportLibrary DIR` and start java with -Djava.library.path=DIR (the role does)");
            }
            EventLoopGroup loop = new EpollEventLoopGroup(1);
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path), security.credentials())
                    .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop)
                    .overrideAuthority("localhost") // a socket path is not a valid :authority
                    .withOption(ChannelOption.SO_KEEPALIVE, null) // set by default; a Unix socket has none (a warning per call)
                    .build();
            return new AgentChannel(target, channel, loop);
        }
        if (!TCP_TARGET.matcher(target).matches()) {
            throw new IllegalArgumentException("agent address '" + target + "': expected unix:/path/to/socket or host:port");
        }
        return new AgentChannel(target, NettyChannelBuilder.forTarget(target, security.credentials()).build(), null);
    }

    /** host:port, [v6]:port, or a gRPC name-resolver target (dns:///host:port). */
    private static final java.util.regex.Pattern TCP_TARGET = java.util.regex.Pattern.compile(
            "([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):\\d{1,5}|(dns|ipv4|ipv6):.+");

    /** Starts connecting now instead of at the first call. */
    public void connectNow() {
        channel.getState(true);
    }

    /**
     * Whether a call to this address can go over this channel: opened for it, and not failed (a failed connection is
     * left to a fresh channel, so the caller sees the same error as without one opened ahead).
     */
    public boolean servesFor(String target) {
        ConnectivityState state = channel.getState(false);
        return this.target.equals(target) && state != ConnectivityState.TRANSIENT_FAILURE && state != ConnectivityState.SHUTDOWN;
    }

    ManagedChannel channel() {
        return channel;
    }

    /** Drops the channel without waiting for it to wind down: nobody used it, or a short-lived client is about to exit. */
    public void abandon() {
        channel.shutdownNow();
        if (socketLoop != null) {
            socketLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (socketLoop != null) {
            socketLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
