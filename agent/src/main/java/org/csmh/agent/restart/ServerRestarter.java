package org.csmh.agent.restart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.csmh.agent.command.SupervisedCommand;
import org.csmh.agent.util.PreconditionException;

/**
 * Runs the configured restart commands, one after the other, stopping at the first that fails, and remembers when
 * the servers last came back (a successful run) and whether the operator confirmed where they write: the write
 * observation starts from there.
 */
public final class ServerRestarter {
    private static final Logger LOG = Logger.getLogger(ServerRestarter.class.getName());

    /** Where a run's events go, in order, on the calling thread. */
    public interface Listener {
        void started(int index, String commandLine);

        void output(int index, String line);

        void exited(int index, int code);
    }

    /** The operator's word that every server writes only CSMHE, for a site whose database cannot show it. */
    public record Confirmation(Instant at, String by) {
    }

    private final RestartConfig config;
    private final Path restartedFile;
    private final Path confirmedFile;
    private final Clock clock;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final SupervisedCommand.Cancellation stopping = new SupervisedCommand.Cancellation();

    public ServerRestarter(RestartConfig config, Path stateDir, Clock clock) {
        this.config = config;
        this.restartedFile = stateDir.resolve("servers-restarted-at");
        this.confirmedFile = stateDir.resolve("writes-confirmed");
        this.clock = clock;
    }

    public RestartConfig config() {
        return config;
    }

    /** Runs every command; true when all exited 0. One run at a time. */
    public boolean restart(Listener listener) throws InterruptedException {
        if (!oneAtATime.tryLock()) {
            throw new PreconditionException("a restart is in progress; one at a time: wait for it to end");
        }
        try {
            for (int i = 0; i < config.commands().size(); i++) {
                int index = i;
                SupervisedCommand c = new SupervisedCommand(config.commands().get(i), config.workdir(), Map.of(), config.timeoutSeconds());
                listener.started(index, c.commandLine());
                LOG.info("event=restart_started command=\"" + c.commandLine() + "\"");
                SupervisedCommand.Exit exit = c.run(env -> env, line -> line, line -> {
                    LOG.info("event=restart_output line=\"" + line.replace("\"", "'") + "\"");
                    listener.output(index, line);
                }, stopping, "restart-output-" + i);
                if (exit.timedOut()) {
                    listener.output(index, "(killed with every process it started after " + config.timeoutSeconds() + " s: restart.timeout_seconds)");
                }
                LOG.info("event=restart_exited command=\"" + c.commandLine() + "\" exit_code=" + exit.code());
                listener.exited(index, exit.effectiveCode());
                if (exit.effectiveCode() != 0) {
                    return false;
                }
            }
            write(restartedFile, clock.instant().toString());
            return true;
        } finally {
            oneAtATime.unlock();
        }
    }

    /** Kills a running restart command (the agent is stopping). */
    public void stop() {
        stopping.cancel();
    }

    /** When the configured commands last all succeeded, if ever. */
    public Optional<Instant> lastRestart() {
        return read(restartedFile).map(Instant::parse);
    }

    /** Records the operator's confirmation. */
    public Confirmation confirm(String by) {
        Confirmation c = new Confirmation(clock.instant(), by);
        write(confirmedFile, c.at() + " " + by);
        LOG.info("event=writes_confirmed by=\"" + by + "\"");
        return c;
    }

    public Optional<Confirmation> confirmation() {
        return read(confirmedFile).map(t -> {
            int sp = t.indexOf(' ');
            return new Confirmation(Instant.parse(sp < 0 ? t : t.substring(0, sp)), sp < 0 ? "" : t.substring(sp + 1));
        });
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).trim()).filter(s -> !s.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            // Whole or not at all: a crash mid-write leaves the last record.
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(temp, text + "\n");
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PreconditionException("cannot record " + file + ": " + e.getMessage(), e);
        }
    }
}
