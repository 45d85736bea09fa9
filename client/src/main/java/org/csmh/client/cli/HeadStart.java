package org.csmh.client.cli;

import com.google.protobuf.util.JsonFormat;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.csmh.client.AgentChannel;
import org.csmh.client.ClientSecurity;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.Job;

/**
 * csmhctl's head start. A short-lived client spends most of its life starting up: picocli parses the command line
 * on one core while the second core idles. Meanwhile this opens the channel to the agent's socket the line names (its
 * --agent, else CSMH_AGENT, else the default socket) and connects it, then loads the JSON printer, so the command's
 * first call finds both ready. The command takes the channel only if its parsed options ask for that address with
 * plain security (see {@link #take}); a channel nobody took is closed. Nothing here sends a call, reads a file or
 * changes anything.
 */
final class HeadStart implements AutoCloseable {
    private static final Set<String> HELP_OR_VERSION = Set.of("-h", "--help", "-V", "--version");
    private final CompletableFuture<AgentChannel> channel = new CompletableFuture<>();
    private boolean taken;

    private HeadStart() {
    }

    static HeadStart begin(String[] args) {
        HeadStart h = new HeadStart();
        if (Arrays.stream(args).anyMatch(HELP_OR_VERSION::contains)) {
            h.channel.completeExceptionally(new IllegalStateException("help and version make no call"));
            return h;
        }
        String target = target(args, System.getenv("CSMH_AGENT"));
        // Only the agent's Unix socket, without TLS options: a plaintext connection opened ahead to a TCP agent that
        // takes TLS would be a handshake error in its log at every call (and TCP callers are the rare ones).
        boolean opensAhead = target.startsWith("unix:") && Arrays.stream(args).noneMatch(a -> a.startsWith("--tls"));
        Thread t = new Thread(() -> h.run(opensAhead ? target : null), "csmhctl-head-start");
        t.setDaemon(true);
        t.start();
        return h;
    }

    /**
     * The agent address the command line will most likely use: the last {@code --agent} before a {@code --}, else
     * the environment's, else the default. A guess is enough: {@link #take} compares it with what picocli parsed.
     */
    static String target(String[] args, String env) {
        String found = null;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--agent") && i + 1 < args.length) {
                found = args[++i];
            } else if (args[i].startsWith("--agent=")) {
                found = args[i].substring("--agent=".length());
            }
        }
        return found != null ? found : env != null ? env : CsmhClient.DEFAULT_TARGET;
    }

    /** Opens and connects a channel to {@code target} (none when null), then loads the JSON printer. */
    private void run(String target) {
        try {
            if (target == null) {
                throw new IllegalStateException("nothing opened ahead for this address");
            }
            AgentChannel c = AgentChannel.open(target, ClientSecurity.plain());
            c.connectNow();
            channel.complete(c);
        } catch (Throwable e) {
            channel.completeExceptionally(e); // the command opens its own and reports any real failure itself
        }
        try {
            JsonFormat.printer().print(Job.getDefaultInstance());
        } catch (Throwable ignored) {
            // only loading classes; the command prints for real
        }
    }

    /**
     * The channel opened ahead if it serves {@code target} with {@code security} and nobody took it yet (waiting for
     * it if it is still being opened: the command would do the same work); else null, and the command opens its own.
     */
    synchronized AgentChannel take(String target, ClientSecurity security) {
        if (taken) {
            return null;
        }
        taken = true;
        AgentChannel c = opened();
        if (c != null && security.isPlain() && c.servesFor(target)) {
            return c;
        }
        if (c != null) {
            c.abandon();
        }
        return null;
    }

    /** The channel once opened (null if none was): waits while it is being opened. */
    AgentChannel opened() {
        try {
            return channel.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Drops the channel if the command never took it (--help, a usage error, a command without calls), without
     * waiting for it: one still being opened is dropped when it is.
     */
    @Override
    public synchronized void close() {
        if (!taken) {
            taken = true;
            channel.thenAccept(AgentChannel::abandon);
        }
    }
}
