package org.csmh.agent.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One log line for every call that can change something (all but the read-only ones): which RPC, who called it
 * (the token's name, the client certificate's subject, the peer address and, through the Unix socket, the caller's
 * uid, gid and pid as the kernel gave them) and how it ended. Never the request: it carries passwords.
 */
final class AuditInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger("org.csmh.agent.audit");
    /** Who made the call, as the audit line names them: for what a call records (an operator's confirmation). */
    static final io.grpc.Context.Key<String> CALLER = io.grpc.Context.key("csmh-caller");
    /** How a Unix socket caller is shown: the socket's public path (its group decided that the caller may call). */
    private final String socketPeer;

    AuditInterceptor(String socketPeer) {
        this.socketPeer = socketPeer;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (AccessRules.readOnly(call.getMethodDescriptor())) {
            return next.startCall(call, headers);
        }
        String who = caller(call, socketPeer);
        String rpc = call.getMethodDescriptor().getBareMethodName();
        long started = System.nanoTime();
        LOG.info("event=audit phase=start rpc=" + rpc + " " + who);
        return io.grpc.Contexts.interceptCall(io.grpc.Context.current().withValue(CALLER, who), new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                LOG.info("event=audit phase=end rpc=" + rpc + " " + who + " status=" + status.getCode()
                        + " ms=" + (System.nanoTime() - started) / 1_000_000);
                super.close(status, trailers);
            }
        }, headers, next);
    }

    /** {@code token=NAME subject="CN=..." peer=ADDR uid=U gid=G pid=P}, whichever the call has. */
    static String caller(ServerCall<?, ?> call, String socketPeer) {
        StringBuilder b = new StringBuilder();
        String token = TokenInterceptor.TOKEN_NAME.get();
        if (token != null) {
            b.append("token=").append(token).append(' ');
        }
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (tls != null) {
            try {
                b.append("subject=\"").append(tls.getPeerPrincipal().getName()).append("\" ");
            } catch (SSLPeerUnverifiedException e) {
                b.append("subject=none ");
            }
        }
        return b.append("peer=").append(socketPeer != null ? socketPeer : address(call)).append(unixCaller(call)).toString();
    }

    /** The peer's address, and its uid, gid and pid when it called through the Unix socket. */
    static String peer(ServerCall<?, ?> call) {
        return address(call) + unixCaller(call);
    }

    private static String address(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote == null ? "unknown" : remote.toString();
    }

    private static String unixCaller(ServerCall<?, ?> call) {
        UnixCaller caller = UnixCaller.of(call);
        return caller == null ? "" : " " + caller;
    }
}
