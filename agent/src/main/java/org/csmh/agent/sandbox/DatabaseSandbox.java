package org.csmh.agent.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;

/**
 * A throwaway database server: MariaDB 10.11 (Debian's), MariaDB 11.4 or MySQL 8.0 (from their Maven artifacts), with
 * a temp datadir, a free TCP port on 127.0.0.1, root with no password, killed and deleted on {@link #close()}. The
 * engine's own defaults apply (MySQL 8: caching_sha2_password, local_infile off, binary log on, lock mode 2) unless
 * extra server options say otherwise. For tests, the demo and the benchmark; never for production data.
 */
public final class DatabaseSandbox implements AutoCloseable {
    private final SandboxEngine engine;
    private final SandboxEngine.Installation installation;
    private final Path dir;
    private final int port;
    private final int bufferPoolMb;
    private final List<String> extraArgs;
    private Process process;

    private DatabaseSandbox(SandboxEngine.Installation installation, Path dir, int port, int bufferPoolMb, List<String> extraArgs) {
        this.engine = installation.engine();
        this.installation = installation;
        this.dir = dir;
        this.port = port;
        this.bufferPoolMb = bufferPoolMb;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Debian's MariaDB, as before. */
    public static Optional<Path> findServerBinary() {
        return SandboxEngine.MARIADB_10_11.available() ? Optional.of(Path.of("/usr/sbin/mariadbd")) : Optional.empty();
    }

    public static DatabaseSandbox start(Path parent) throws IOException, InterruptedException {
        return start(SandboxEngine.MARIADB_10_11, parent, 256, List.of());
    }

    public static DatabaseSandbox start(Path parent, int bufferPoolMb) throws IOException, InterruptedException {
        return start(SandboxEngine.MARIADB_10_11, parent, bufferPoolMb, List.of());
    }

    /**
     * @param extraArgs server options on top of the common ones, e.g. --server-id=2, --log-bin, --local-infile=1
     */
    public static DatabaseSandbox start(SandboxEngine engine, Path parent, int bufferPoolMb, List<String> extraArgs)
            throws IOException, InterruptedException {
        Files.createDirectories(parent);
        SandboxEngine.Installation installation = engine.install(parent.resolve("engines"));
        Path dir = Files.createTempDirectory(parent, engine.label() + "-sandbox-");
        DatabaseSandbox sandbox = new DatabaseSandbox(installation, dir, freePort(), bufferPoolMb, extraArgs);
        SandboxEngine.run(engine.initialize(installation, dir.resolve("data")), dir.resolve("install.log"));
        sandbox.launch();
        return sandbox;
    }

    public SandboxEngine engine() {
        return engine;
    }

    private void launch() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(installation.server().toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysql.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--user=" + System.getProperty("user.name"),
                "--innodb-buffer-pool-size=" + bufferPoolMb + "M", "--innodb-log-file-size=256M",
                "--innodb-flush-log-at-trx-commit=2", "--max-connections=200", "--tmpdir=" + dir,
                "--log-error=" + dir.resolve("error.log")));
        cmd.addAll(engine.serverArgs(installation));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(engine.label() + " exited with " + process.exitValue() + ":\n" + tail(dir.resolve("error.log")));
            }
            try (Connection c = DriverManager.getConnection(ConnectionFactory.url(rootEndpoint()),
                    ConnectionFactory.properties(rootEndpoint(), 1000))) {
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        close();
        throw new IOException(engine.label() + " did not accept connections within 90 s: " + last);
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public Endpoint rootEndpoint() {
        return new Endpoint("sandbox", "127.0.0.1", port, "root", "", null);
    }

    public Process process() {
        return process;
    }

    /** Kills the server (SIGKILL, as a crash would) without deleting its data, for restart tests. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on the same datadir and port. */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
