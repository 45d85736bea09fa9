package org.csmh.client.cli;

import java.nio.file.Path;

/** Where one password comes from: --X-password-file, --X-password-env or --X-password-stdin. */
record PasswordOptions(String what, Path file, String env, boolean stdin) {
    String read(Secrets secrets) {
        return secrets.read(what, file, env, stdin);
    }
}
