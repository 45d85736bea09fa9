package org.csmh.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP proxy in front of a database (on loopback unless told), whose connections a test can cut at will. */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile int drops;
    /** Held before each forwarded read, each way: a round trip this much longer, as across a network. */
    private volatile long delayNanos;

    public TcpProxy(int targetPort) throws IOException {
        this(targetPort, InetAddress.getLoopbackAddress());
    }

    /** Listening on {@code address}, e.g. the machine's own network address: a server that looks remote. */
    public TcpProxy(int targetPort, InetAddress address) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, address);
        Thread accept = new Thread(this::accept, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** Holds what passes by this long each way from now on (a stand-in for a link's latency; no bandwidth limit). */
    public TcpProxy delay(long micros) {
        delayNanos = micros * 1000;
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public int drops() {
        return drops;
    }

    /** Cuts every open connection, as a failing network or a firewall would. */
    public void dropAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        sockets.clear();
        drops++;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed, or the upstream is down: the client sees its connection fail
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    long hold = delayNanos;
                    if (hold > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(hold);
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // the other side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // done
                }
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
    }
}
