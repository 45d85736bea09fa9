package org.csmh.agent.server;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import org.csmh.agent.config.ListenAddress;
import org.csmh.agent.config.SecurityConfig;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.csmh.proto.v1.CsmhAgentGrpc;

/** The gRPC server: the agent service plus standard health and reflection. */
public final class AgentServer {
    private static final Logger LOG = Logger.getLogger(AgentServer.class.getName());
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ListenAddress listen;
    private final UnixSocketBinding socket;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    public AgentServer(ListenAddress listen, BindableService agent, SecurityConfig security) throws IOException {
        this.listen = listen;
        NettyServerBuilder builder;
        if (listen.isSocket()) {
            if (!Epoll.isAvailable()) {
                throw new IOException("cannot listen on " + listen.socket() + ": the native library of the Unix-socket transport does not load ("
                        + Epoll.unavailabilityCause().getMessage() + "). Where java.io.tmpdir is mounted noexec, install it once with"
                        + " `java -cp csmhctl.jar org.csmh.client.cli.NativeTransportLibrary DIR` and start the agent with"
                        + " -Djava.library.path=DIR (the role does)");
            }
            socket = new UnixSocketBinding(listen.socket(), listen.group());
            boss = new EpollEventLoopGroup(1);
            workers = new EpollEventLoopGroup();
            // each connection's uid, gid and pid (SO_PEERCRED) go with its calls, for the audit log
            builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.bindPath().toFile()),
                            PeerCredentialsNegotiator.around(credentials(security)))
                    .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                    // Netty's server sets SO_KEEPALIVE on every connection, which a Unix socket does not have (a
                    // warning per call); a null value takes the option off again.
                    .withChildOption(ChannelOption.SO_KEEPALIVE, null);
        } else {
            socket = null;
            boss = null;
            workers = null;
            builder = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()), credentials(security));
        }
        // Interceptors run last-added first: the certificate, then the token, then the audit log (which names both).
        builder.intercept(new AuditInterceptor(listen.isSocket() ? listen.target() : null));
        if (security.tokenRequired()) {
            builder.intercept(new TokenInterceptor(security.tokens()));
        }
        if (security.mutualTls()) {
            builder.intercept(new ClientCertificateInterceptor(security.clientCa()));
        }
        this.server = builder
                .addService(agent)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .maxInboundMessageSize(4 * 1024 * 1024)
                .build();
    }

    /**
     * TLS from PEM files. With client_ca the handshake asks every caller for a certificate but lets the call through
     * to {@link ClientCertificateInterceptor}, which validates it and answers with a status a caller can read.
     */
    static ServerCredentials credentials(SecurityConfig security) throws IOException {
        if (!security.tls()) {
            return InsecureServerCredentials.create();
        }
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(security.tlsCert().toFile(), security.tlsKey().toFile());
        if (security.mutualTls()) {
            tls.trustManager(new DeferredClientTrust()).clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
        }
        return tls.build();
    }

    /** Accepts any client certificate in the handshake; ClientCertificateInterceptor decides per call. */
    private static final class DeferredClientTrust implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            // validated per call, against client_ca, by ClientCertificateInterceptor
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("the agent does not connect to servers");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    public AgentServer start() throws IOException {
        server.start();
        if (socket != null) {
            try {
                socket.publish();
            } catch (IOException e) {
                server.shutdownNow();
                throw new IOException("cannot give the socket " + listen.socket() + " its mode and group: " + e.getMessage(), e);
            }
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(CsmhAgentGrpc.SERVICE_NAME, ServingStatus.SERVING);
        LOG.info("event=listening address=" + server.getListenSockets());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** What a client dials: {@code unix:/path} or {@code host:port} (with the bound port when 0 was configured). */
    public String target() {
        return listen.isSocket() ? listen.target() : ListenAddress.tcp(listen.host(), server.getPort()).target();
    }

    /** Stops taking calls, lets running ones finish for up to {@code graceSeconds}, then cancels the rest. */
    public void shutdown(long graceSeconds) throws InterruptedException {
        health.enterTerminalState();
        server.shutdown();
        if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (socket != null) {
            socket.remove();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        LOG.info("event=stopped");
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
