package org.csmh.agent.server;

import io.grpc.Attributes;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.PeerCredentials;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.io.IOException;

/**
 * Gives each connection to the agent's Unix socket its caller's {@link UnixCaller} (the kernel's SO_PEERCRED) as a
 * transport attribute, ahead of whatever negotiation the configured credentials do (plaintext, or TLS), which it
 * leaves as it is. gRPC has no public hook that sees the connection itself; this uses its negotiator extension point
 * (grpc-netty's Internal* classes, the one way to add transport attributes).
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator inner;

    private PeerCredentialsNegotiator(InternalProtocolNegotiator.ProtocolNegotiator inner) {
        this.inner = inner;
    }

    /** {@code credentials} with each connection's caller added. */
    static ServerCredentials around(ServerCredentials credentials) {
        InternalProtocolNegotiator.ServerFactory factory = InternalNettyServerCredentials.toNegotiator(credentials);
        return InternalNettyServerCredentials.create(
                (InternalProtocolNegotiator.ServerFactory) pool -> new PeerCredentialsNegotiator(factory.newNegotiator(pool)));
    }

    @Override
    public AsciiString scheme() {
        return inner.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new CallerHandler(inner.newHandler(grpcHandler), grpcHandler);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Reads the caller off the connection, adds it to the negotiation's attributes, then hands over to the next. */
    private static final class CallerHandler extends InternalProtocolNegotiators.ProtocolNegotiationHandler {
        CallerHandler(ChannelHandler next, GrpcHttp2ConnectionHandler grpcHandler) {
            super(next, "unix-peer-credentials", grpcHandler.getNegotiationLogger());
        }

        @Override
        protected void protocolNegotiationEventTriggered(ChannelHandlerContext ctx) {
            if (ctx.channel() instanceof EpollDomainSocketChannel socket) {
                ProtocolNegotiationEvent event = getProtocolNegotiationEvent();
                try {
                    PeerCredentials c = socket.peerCredentials();
                    int gid = c.gids().length > 0 ? c.gids()[0] : -1;
                    Attributes attributes = InternalProtocolNegotiationEvent.getAttributes(event).toBuilder()
                            .set(UnixCaller.KEY, new UnixCaller(c.uid(), gid, c.pid())).build();
                    replaceProtocolNegotiationEvent(InternalProtocolNegotiationEvent.withAttributes(event, attributes));
                } catch (IOException e) {
                    // the caller went away already: its calls (if any) are logged without it
                }
            }
            fireProtocolNegotiationEvent(ctx);
        }
    }
}
