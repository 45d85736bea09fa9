package org.csmh.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Installs the native library of the Unix-socket transport (Netty's epoll, shaded into the jar) into a directory, for
 * {@code -Djava.library.path}: {@code java -cp csmhctl.jar org.csmh.client.cli.NativeTransportLibrary DIR}. Without
 * it Netty copies the library out of the jar into java.io.tmpdir at every start and loads it from there, which fails
 * where /tmp is mounted noexec (a common hardening) and costs each csmhctl call some 10 ms. The role runs this at
 * install time for csmhctl and the agent, which carry the same library.
 */
public final class NativeTransportLibrary {
    private NativeTransportLibrary() {
    }

    /** The library's name for System.loadLibrary, as Netty asks for it on this machine's architecture. */
    static String libraryName() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String netty = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> throw new IllegalStateException("no Unix-socket transport library for architecture " + arch);
        };
        return "io_grpc_netty_shaded_netty_transport_native_epoll_" + netty;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp csmhctl.jar " + NativeTransportLibrary.class.getName() + " DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        String file = System.mapLibraryName(libraryName());
        Path target = dir.resolve(file);
        Path temp = dir.resolve(file + ".tmp-" + ProcessHandle.current().pid());
        try (InputStream in = NativeTransportLibrary.class.getClassLoader().getResourceAsStream("META-INF/native/" + file)) {
            if (in == null) {
                throw new IllegalStateException("META-INF/native/" + file + " is not in this jar");
            }
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            // replaced whole: a process that has the old one mapped keeps it, the next one loads the new one
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        System.out.println(target);
    }
}
