package org.csmh.agent.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.logging.Logger;
import org.csmh.agent.config.SecurityConfig;

/**
 * Requires `authorization: Bearer <token>` on every call: a missing token is UNAUTHENTICATED, an unknown one
 * PERMISSION_DENIED, and a read-only token on a call that changes something PERMISSION_DENIED naming the scope it
 * needs. Every configured token is compared, each in constant time, so the time taken says nothing about a guess.
 * The token's name goes into the call's context for the audit log. grpc.health.v1 stays open (it reveals nothing).
 */
final class TokenInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(TokenInterceptor.class.getName());
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** The name of the token the call came with. */
    static final Context.Key<String> TOKEN_NAME = Context.key("csmh-token-name");
    private final List<SecurityConfig.AccessToken> tokens;

    TokenInterceptor(List<SecurityConfig.AccessToken> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (AccessRules.health(call.getMethodDescriptor())) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getFullMethodName();
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.startsWith("Bearer ")) {
            return AccessRules.refuse(call, Status.UNAUTHENTICATED.withDescription("missing bearer token (authorization: Bearer ...)"));
        }
        SecurityConfig.AccessToken token = match(value.substring(7).getBytes(StandardCharsets.UTF_8));
        if (token == null) {
            LOG.warning("event=auth_refused method=" + method + " peer=" + AuditInterceptor.peer(call) + " reason=unknown_token");
            return AccessRules.refuse(call, Status.PERMISSION_DENIED.withDescription("wrong bearer token"));
        }
        if (token.scope() == SecurityConfig.Scope.READ && !AccessRules.readOnly(call.getMethodDescriptor())) {
            LOG.warning("event=auth_refused method=" + method + " token=" + token.name() + " reason=read_only_token");
            return AccessRules.refuse(call, Status.PERMISSION_DENIED.withDescription("token '" + token.name() + "' is read-only (GetStatus, GetJob,"
                    + " ListJobs, WatchJob); " + call.getMethodDescriptor().getBareMethodName() + " needs an operator token"));
        }
        return Contexts.interceptCall(Context.current().withValue(TOKEN_NAME, token.name()), call, headers, next);
    }

    private SecurityConfig.AccessToken match(byte[] given) {
        SecurityConfig.AccessToken found = null;
        for (SecurityConfig.AccessToken t : tokens) {
            // No early exit: every token is compared whatever matched.
            if (MessageDigest.isEqual(given, t.secret().getBytes(StandardCharsets.UTF_8)) && found == null) {
                found = t;
            }
        }
        return found;
    }
}
