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
 * A throwaway MariaDB server from the local mariadbd: temp datadir, free TCP port on 127.0.0.1, root with no
 * password, killed and deleted on {@link #close()}. For tests and the demo; never for production data.
 */
public final class MariaDbSandbox implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int bufferPoolMb;
    private Process process;

    private MariaDbSandbox(Path dir, int port, int bufferPoolMb) {
        this.dir = dir;
        this.port = port;
        this.bufferPoolMb = bufferPoolMb;
    }

    public static Optional<Path> findServerBinary() {
        for (String candidate : List.of("/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd", "/usr/local/bin/mariadbd")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static MariaDbSandbox start(Path parent) throws IOException, InterruptedException {
        return start(parent, 256);
    }

    public static MariaDbSandbox start(Path parent, int bufferPoolMb) throws IOException, InterruptedException {
        Path server = findServerBinary().orElseThrow(() -> new IOException("mariadbd not found; install mariadb-server"));
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "mariadb-sandbox-");
        MariaDbSandbox sandbox = new MariaDbSandbox(dir, freePort(), bufferPoolMb);
        sandbox.install(server);
        sandbox.launch(server);
        return sandbox;
    }

    private void install(Path server) throws IOException, InterruptedException {
        Path installer = Stream.of("/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db", "/usr/local/bin/mariadb-install-db")
                .map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("mariadb-install-db not found; install mariadb-server"));
        List<String> cmd = new ArrayList<>(List.of(installer.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--user=" + System.getProperty("user.name"), "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("mariadb-install-db failed; see " + dir.resolve("install.log") + ":\n" + tail(dir.resolve("install.log")));
        }
    }

    private void launch(Path server) throws IOException, InterruptedException {
        List<String> cmd = List.of(server.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysql.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--user=" + System.getProperty("user.name"),
                "--skip-name-resolve", "--innodb-buffer-pool-size=" + bufferPoolMb + "M", "--innodb-log-file-size=256M",
                "--innodb-flush-log-at-trx-commit=2", "--max-connections=200", "--local-infile=1", "--tmpdir=" + dir,
                "--log-error=" + dir.resolve("error.log"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mariadbd exited with " + process.exitValue() + ":\n" + tail(dir.resolve("error.log")));
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
        throw new IOException("mariadbd did not accept connections within 60 s: " + last);
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
        launch(findServerBinary().orElseThrow());
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
