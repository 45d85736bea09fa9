package org.csmh.agent.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.csmh.agent.util.PreconditionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once the agent is stopping, no migration run starts: one that slipped in between the kill of the running step and
 * the server's shutdown would start commands that outlive the agent.
 */
class MigrationsClosedTest {
    @TempDir
    Path dir;

    @Test
    void noRunStartsOnceTheAgentIsStopping() throws Exception {
        Path ran = dir.resolve("ran");
        Path managePy = dir.resolve("manage.py");
        // Run by /bin/sh in place of python: leaves a line per step it ran.
        Files.writeString(managePy, "echo \"$1 $4\" >> '" + ran + "'\n");
        MigrationConfig config = new MigrationConfig(Path.of("/bin/sh"), managePy, "production", dir, Map.of(),
                List.of("default", "student_module_history"), 60);
        Migrations migrations = new Migrations(new MigrationRunner(config), null, null);
        List<MigrationRunner.Step> one = List.of(new MigrationRunner.Step(MigrationRunner.Service.LMS, "default"));
        Migrations.Request request = new Migrations.Request(one, "migrate_user", "a-password", false, 0);

        // The same request runs while the agent is up: the check below is not passing for some other reason.
        List<String> events = new ArrayList<>();
        migrations.run(request, listener(events), () -> false);
        assertEquals(List.of("lms default"), Files.readAllLines(ran));
        assertTrue(events.contains("exited lms/default 0"), events.toString());

        migrations.close();
        events.clear();
        PreconditionException e = assertThrows(PreconditionException.class, () -> migrations.run(request, listener(events), () -> false));
        assertEquals("the agent is stopping; run the migrations once it is back", e.getMessage());
        assertEquals(List.of("lms default"), Files.readAllLines(ran), "no command ran after close");
        assertTrue(events.isEmpty(), events.toString());
        assertFalse(migrations.inProgress().isPresent());
    }

    private static Migrations.Listener listener(List<String> events) {
        return new Migrations.Listener() {
            @Override
            public void created(MigrationRunner.Step step, boolean changed) {
                events.add("created " + step);
            }

            @Override
            public void following() {
                events.add("following");
            }

            @Override
            public void started(MigrationRunner.Step step, String commandLine) {
                events.add("started " + step);
            }

            @Override
            public void output(MigrationRunner.Step step, String line) {
                events.add("output " + step + " " + line);
            }

            @Override
            public void exited(MigrationRunner.Step step, int code, List<MigrationRunner.Step> skipped) {
                events.add("exited " + step + " " + code);
            }
        };
    }
}
