package org.csmh.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A network between the agent and a server, where the kernel has none to offer (no netem here): a TCP proxy that
 * holds every byte a fixed one-way delay in each direction and caps each direction's bandwidth. Bench code only.
 * Each direction of each connection has a reader (timestamps what arrives) and a sender (releases it once its delay
 * has passed and the bandwidth allows), so a stream keeps flowing at the cap while every byte is late by the delay,
 * as on a real link.
 */
final class LatencyProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final long delayNanos;
    private final double bytesPerNano;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param delayMicros   one-way delay, each direction
     * @param mbitPerSecond bandwidth cap per direction (0 = none)
     */
    LatencyProxy(int upstreamPort, long delayMicros, long mbitPerSecond) throws IOException {
        this.upstreamPort = upstreamPort;
        this.delayNanos = delayMicros * 1000;
        this.bytesPerNano = mbitPerSecond <= 0 ? 0 : mbitPerSecond * 1e6 / 8 / 1e9;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private record Piece(long due, byte[] bytes, int length) {
    }

    private static final Piece END = new Piece(0, new byte[0], -1);

    private void pipe(Socket from, Socket to) throws IOException {
        LinkedBlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    queue.add(new Piece(System.nanoTime() + delayNanos, java.util.Arrays.copyOf(buf, n), n));
                }
            } catch (IOException gone) {
                // The other side closed: pass the end on.
            }
            queue.add(END);
        }, "proxy-read");
        Thread sender = new Thread(() -> {
            long sentBytes = 0;
            long since = System.nanoTime();
            try {
                while (true) {
                    Piece p = queue.take();
                    if (p.length() < 0) {
                        break;
                    }
                    waitUntil(p.due());
                    if (bytesPerNano > 0) {
                        // The link's pace: bytes sent so far may not run ahead of the cap (idle time earns no credit
                        // beyond a 1 ms burst).
                        long now = System.nanoTime();
                        long earliest = since + (long) (sentBytes / bytesPerNano);
                        if (earliest < now - 1_000_000) {
                            since = now - 1_000_000;
                            sentBytes = 0;
                            earliest = since;
                        }
                        waitUntil(earliest);
                        sentBytes += p.length();
                    }
                    out.write(p.bytes(), 0, p.length());
                    out.flush();
                }
            } catch (IOException | InterruptedException gone) {
                // Closed under us: the end.
            }
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // Already closed.
            }
        }, "proxy-send");
        reader.setDaemon(true);
        sender.setDaemon(true);
        reader.start();
        sender.start();
    }

    private static void waitUntil(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
