package org.csmh.agent.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Logger;

/**
 * Requires `authorization: Bearer <token>` on every call: a missing token is UNAUTHENTICATED, a wrong one
 * PERMISSION_DENIED. The comparison takes the same time whatever the guess. grpc.health.v1 stays open so
 * health checks need no secret (it reveals nothing).
 */
final class TokenInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(TokenInterceptor.class.getName());
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final byte[] expected;

    TokenInterceptor(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getServiceName() != null && call.getMethodDescriptor().getServiceName().equals("grpc.health.v1.Health")) {
            return next.startCall(call, headers);
        }
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.startsWith("Bearer ")) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("missing bearer token (authorization: Bearer ...)"));
        }
        byte[] given = value.substring(7).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            LOG.warning("event=auth_refused method=" + call.getMethodDescriptor().getFullMethodName());
            return refuse(call, Status.PERMISSION_DENIED.withDescription("wrong bearer token"));
        }
        return next.startCall(call, headers);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
