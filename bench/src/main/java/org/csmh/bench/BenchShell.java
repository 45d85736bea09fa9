package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Runs a bash command line as an operator's terminal would, and times it; its output goes to a log, read on failure. */
final class BenchShell {
    private BenchShell() {
    }

    /** The command's wall time in seconds; throws with its output when it exits non-zero. */
    static double time(String command, Path log) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", "set -euo pipefail; " + command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + Files.readString(log));
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
