package org.csmh.agent.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.logging.Logger;

/** The Prometheus endpoint (/metrics) on the configured address; off unless agent.yml has metrics.listen. */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    private final HTTPServer server;

    public MetricsServer(String host, int port, AgentMetrics metrics) throws IOException {
        this.server = HTTPServer.builder().hostname(host).port(port).registry(metrics.registry()).buildAndStart();
        LOG.info("event=metrics_listening address=" + host + ":" + server.getPort() + " path=/metrics");
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
