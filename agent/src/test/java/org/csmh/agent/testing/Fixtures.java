package org.csmh.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.csmh.agent.mysql.Endpoint;

/** Realistic lms.yml and agent.yml files pointing at a test server. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String lmsYml(Endpoint source, String database) throws IOException {
        String text;
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/lms.yml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return text.replace("        HOST: localhost\n        NAME: edxapp\n        OPTIONS: {}\n        PASSWORD: default-db-secret\n        PORT: '3306'\n        USER: edxapp001\n",
                "        HOST: " + source.host() + "\n        NAME: " + database + "\n        OPTIONS: {}\n        PASSWORD: '" + source.password()
                        + "'\n        PORT: '" + source.port() + "'\n        USER: " + source.user() + "\n");
    }

    /** Writes lms.yml, cms.yml, an admin password file and agent.yml into dir; returns agent.yml. */
    public static Path agentConfig(Path dir, Endpoint admin, String sourceDatabase) throws IOException {
        Files.writeString(dir.resolve("lms.yml"), lmsYml(admin, sourceDatabase));
        Files.writeString(dir.resolve("cms.yml"), lmsYml(admin, sourceDatabase));
        Files.writeString(dir.resolve("admin.pass"), admin.password() + "\n");
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, """
                listen: unix:agent.sock
                state_dir: state
                job_retry_seconds: 120
                lms_yml: lms.yml
                cms_yml: cms.yml
                restart:
                  commands: [[/bin/sh, -c, 'echo restarted lms cms edxapp_worker']]
                  sample_seconds: 3600
                  window_seconds: 3600
                endpoints:
                  admin:
                    host: %s
                    port: %d
                    user: %s
                    password_file: admin.pass
                """.formatted(admin.host(), admin.port(), admin.user()));
        return config;
    }
}
