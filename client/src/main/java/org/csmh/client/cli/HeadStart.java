package org.csmh.client.cli;

import com.google.protobuf.util.JsonFormat;
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
 * --agent, else CSMH_AGENT, else the default socket) and connects it, so the command's first call finds it ready. The
 * command takes the channel only if its parsed options ask for that address with plain security (see {@link #take});
 * a channel nobody took is closed. Opening the channel is the longer task (some 1,500 classes), so it starts first
 * thing. Then the thread loads the JSON printer (job events are JSON lines unless on a terminal) while the command's
 * first call is out; the command would otherwise load it when it prints the reply, before its next call. Nothing
 * here sends a call, reads a file or changes anything.
 */
final class HeadStart implements AutoCloseable {
    private static final Set<String> HELP_OR_VERSION = Set.of("-h", "--help", "-V", "--version");
    private final CompletableFuture<AgentChannel> channel = new CompletableFuture<>();
    private boolean taken;

    private HeadStart() {
    }

    /**
     * Starts opening the channel; called first thing, so only a scan of the words happens before the thread runs
     * (the address, from the environment too, is worked out on that thread).
     */
    static HeadStart begin(String[] args) {
        boolean helpOrVersion = false;
        boolean tlsOption = false;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            helpOrVersion |= HELP_OR_VERSION.contains(a);
            tlsOption |= a.startsWith("--tls");
        }
        HeadStart h = new HeadStart();
        if (helpOrVersion) {
            h.channel.completeExceptionally(new IllegalStateException("help and version make no call"));
            return h;
        }
        // Only to the agent's Unix socket, without TLS options: a plaintext connection opened ahead to a TCP agent that
        // takes TLS would be a handshake error in its log at every call (and TCP callers are the rare ones).
        String[] words = args.clone();
        boolean plain = !tlsOption;
        Thread t = new Thread(() -> h.open(plain ? target(words, System.getenv("CSMH_AGENT")) : null), "csmhctl-head-start");
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

    /**
     * Opens and connects a channel to {@code target} if it is the agent's Unix socket (null: nothing to open), then
     * loads the JSON printer; nothing more when no channel opened (the command fails, or builds its own channel).
     */
    private void open(String target) {
        try {
            if (target == null || !target.startsWith("unix:")) {
                throw new IllegalStateException("nothing opened ahead for this address");
            }
            AgentChannel c = AgentChannel.open(target, ClientSecurity.plain());
            c.connectNow();
            channel.complete(c);
        } catch (Throwable e) {
            channel.completeExceptionally(e); // the command opens its own and reports any real failure itself
            return;
        }
        loadJsonPrinter();
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

    /** Loads the classes of the command's first JSON print (message descriptors, the printer) by printing a job. */
    private static void loadJsonPrinter() {
        try {
            JsonFormat.printer().print(Job.getDefaultInstance());
        } catch (Throwable ignored) {
            // only loading classes; the command prints for real
        }
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
