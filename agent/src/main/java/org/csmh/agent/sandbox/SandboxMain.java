package org.csmh.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.csmh.agent.mysql.Endpoint;

/**
 * Runs a throwaway MariaDB for the demo: {@code SandboxMain DIR [ROWS]} starts it under DIR, seeds
 * edxapp.courseware_studentmodulehistory with ROWS rows, writes the port to DIR/sandbox.port and runs until
 * killed, then stops the server and deletes its data.
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SandboxMain DIR [ROWS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
        DatabaseSandbox sandbox = DatabaseSandbox.start(dir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }));
        Endpoint root = sandbox.rootEndpoint();
        System.err.println("sandbox MariaDB listening on 127.0.0.1:" + sandbox.port() + " (data in " + sandbox.dir() + ")");
        HistorySeeder.seed(root, "edxapp", rows, System.err);
        Path portFile = dir.resolve("sandbox.port");
        Files.writeString(dir.resolve("sandbox.port.tmp"), Integer.toString(sandbox.port()));
        Files.move(dir.resolve("sandbox.port.tmp"), portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }
}
