package org.csmh.agent.server;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Mutual TLS checked per call rather than in the handshake, so a caller with no certificate or a wrong one gets a
 * gRPC status that says so (UNAUTHENTICATED / PERMISSION_DENIED) instead of a dropped connection. The TLS layer asks
 * for a client certificate; this interceptor validates its chain (PKIX, dates) against client_ca on every call.
 */
final class ClientCertificateInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(ClientCertificateInterceptor.class.getName());
    private final Set<TrustAnchor> anchors;

    ClientCertificateInterceptor(Path clientCa) throws IOException {
        try (InputStream in = Files.newInputStream(clientCa)) {
            Set<TrustAnchor> a = new HashSet<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                a.add(new TrustAnchor((X509Certificate) c, null));
            }
            if (a.isEmpty()) {
                throw new IOException("no certificate in " + clientCa);
            }
            this.anchors = Set.copyOf(a);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read client_ca " + clientCa + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (AccessRules.health(call.getMethodDescriptor())) {
            return next.startCall(call, headers);
        }
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return AccessRules.refuse(call, Status.UNAUTHENTICATED.withDescription("TLS with a client certificate is required"));
        }
        X509Certificate[] chain;
        try {
            Certificate[] peer = session.getPeerCertificates();
            chain = Arrays.stream(peer).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            return AccessRules.refuse(call, Status.UNAUTHENTICATED.withDescription("no client certificate presented (mutual TLS is required)"));
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain)), params);
        } catch (GeneralSecurityException e) {
            LOG.warning("event=client_certificate_refused subject=\"" + chain[0].getSubjectX500Principal() + "\" reason=\"" + e.getMessage() + "\"");
            return AccessRules.refuse(call, Status.PERMISSION_DENIED.withDescription("client certificate " + chain[0].getSubjectX500Principal()
                    + " is not issued by the agent's client_ca (or has expired)"));
        }
        return next.startCall(call, headers);
    }
}
