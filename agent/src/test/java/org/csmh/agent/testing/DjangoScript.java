package org.csmh.agent.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.mysql.Endpoint;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Django script with Debian's python3 (the reference the agent is checked against): the server's password
 * in CSMH_DJANGO_PASSWORD, never in argv. Skips the test where python3-django or python3-mysqldb is missing.
 */
public final class DjangoScript {
    public record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return output + "\nexit=" + exitCode;
        }
    }

    private DjangoScript() {
    }

    public static Result run(Path script, Endpoint server, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CSMH_DJANGO_PASSWORD", server.password() == null ? "" : server.password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "Django did not finish");
        Assumptions.assumeFalse(out.contains("No module named 'django'") || out.contains("No module named 'MySQLdb'"),
                "python3-django / python3-mysqldb not installed (scripts/setup.sh installs them)");
        return new Result(p.exitValue(), out);
    }
}
