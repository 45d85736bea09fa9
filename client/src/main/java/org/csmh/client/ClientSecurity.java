package org.csmh.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/** How the client proves itself: TLS (with a CA to trust), a client certificate for mutual TLS, a bearer token. */
public record ClientSecurity(boolean tls, Path ca, Path cert, Path key, String token) {
    public static ClientSecurity plain() {
        return new ClientSecurity(false, null, null, null, null);
    }

    /** No TLS and no token: what a Unix socket needs (its file mode decides who may call). */
    public boolean isPlain() {
        // fields, not equals(plain()): a record's equals bootstraps method handles, ~30 ms of a short-lived client's start
        return !tls && ca == null && cert == null && key == null && token == null;
    }

    public ChannelCredentials credentials() throws IOException {
        ChannelCredentials channel;
        if (tls || ca != null || cert != null) {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (ca != null) {
                b.trustManager(ca.toFile());
            }
            if (cert != null) {
                b.keyManager(cert.toFile(), key.toFile());
            }
            channel = b.build();
        } else {
            channel = InsecureChannelCredentials.create();
        }
        return token == null ? channel : CompositeChannelCredentials.create(channel, new Bearer(token));
    }

    @Override
    public String toString() {
        return "ClientSecurity[tls=" + tls + ", ca=" + ca + ", cert=" + cert + ", token=" + (token != null) + "]";
    }

    /** Adds `authorization: Bearer <token>` to every call. */
    private static final class Bearer extends CallCredentials {
        private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private final String token;

        Bearer(String token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(m);
        }
    }
}
