package org.csmh.agent.server;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.Set;
import org.csmh.proto.v1.CsmhAgentGrpc;

/** Which calls only read: what a read-only token may make, and what the audit log leaves out. Defined once here. */
final class AccessRules {
    private static final Set<String> READ_ONLY = Set.of(
            CsmhAgentGrpc.getGetStatusMethod().getFullMethodName(),
            CsmhAgentGrpc.getPlanCopyMethod().getFullMethodName(),
            CsmhAgentGrpc.getGetJobMethod().getFullMethodName(),
            CsmhAgentGrpc.getListJobsMethod().getFullMethodName(),
            CsmhAgentGrpc.getWatchJobMethod().getFullMethodName());
    /** Health checks and reflection reveal nothing about the site and change nothing. */
    private static final Set<String> READ_ONLY_SERVICES = Set.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");

    private AccessRules() {
    }

    static boolean readOnly(MethodDescriptor<?, ?> method) {
        return READ_ONLY.contains(method.getFullMethodName()) || READ_ONLY_SERVICES.contains(method.getServiceName());
    }

    static boolean health(MethodDescriptor<?, ?> method) {
        return "grpc.health.v1.Health".equals(method.getServiceName());
    }

    /** Ends a call an access rule refused, with a status the caller can read; the handler never sees it. */
    static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
