package org.csmh.agent.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.csmh.agent.util.PreconditionException;

/**
 * One command from the agent's config (never from a request), run as a child process: its output streamed line by
 * line (stderr with stdout) as it comes, a deadline, and a cancellation that kills it with everything it started.
 * What migrations and server restarts share.
 */
public final class SupervisedCommand {
    /** Set when the agent stops; the running command is killed. */
    public static final class Cancellation {
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile Runnable onCancel = () -> { };

        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                onCancel.run();
            }
        }

        public boolean cancelled() {
            return cancelled.get();
        }

        void onCancel(Runnable r) {
            onCancel = r;
            if (cancelled.get()) {
                r.run();
            }
        }
    }

    /** How it ended: the exit code, and whether the deadline or a cancellation killed it. */
    public record Exit(int code, boolean timedOut, boolean cancelled) {
        /** 0 only when it really exited 0; -1 when killed, whatever the code then. */
        public int effectiveCode() {
            return code == 0 && (timedOut || cancelled) ? -1 : code;
        }
    }

    private final List<String> command;
    private final Path workdir;
    private final Map<String, String> env;
    private final int timeoutSeconds;

    /** @param env set in the child's environment over the agent's own */
    public SupervisedCommand(List<String> command, Path workdir, Map<String, String> env, int timeoutSeconds) {
        this.command = List.copyOf(command);
        this.workdir = workdir;
        this.env = env;
        this.timeoutSeconds = timeoutSeconds;
    }

    public String commandLine() {
        return String.join(" ", command);
    }

    /**
     * Runs it to its end. {@code environment} may change the child's environment last (take variables out);
     * {@code output} gets each line after {@code shown} (masking) is applied.
     */
    public Exit run(UnaryOperator<Map<String, String>> environment, UnaryOperator<String> shown, Consumer<String> output,
                    Cancellation cancel, String threadName) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workdir != null && workdir.toFile().isDirectory()) {
            pb.directory(workdir.toFile());
        }
        Map<String, String> childEnv = pb.environment();
        childEnv.putAll(env);
        environment.apply(childEnv);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PreconditionException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        cancel.onCancel(() -> killTree(p));
        // The reader runs on its own thread so the deadline holds even when the child prints nothing, or its
        // grandchildren keep the pipe open after it exits.
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String out = r.readLine(); out != null; out = r.readLine()) {
                    output.accept(shown.apply(out));
                }
            } catch (IOException e) {
                // the pipe closes when the tree is killed: nothing more to read
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
        try {
            boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!ended) {
                killTree(p);
            }
            int code = p.waitFor();
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return new Exit(code, !ended, cancel.cancelled());
        } catch (InterruptedException e) {
            killTree(p);
            throw e;
        } finally {
            cancel.onCancel(() -> { });
        }
    }

    /** Kills the process and all its descendants, deepest first, so none is left to reparent and run on. */
    public static void killTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.sort(Comparator.comparingInt(h -> -depth(h, p.pid())));
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        // Whatever started while we were killing.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
    }

    private static int depth(ProcessHandle h, long root) {
        int d = 0;
        for (var x = h.parent(); x.isPresent() && x.get().pid() != root && d < 64; x = x.get().parent()) {
            d++;
        }
        return d;
    }
}
