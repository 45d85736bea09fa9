package org.csmh.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a secret from a file, an environment variable or standard input, never from the command line, where
 * every user of the host could read it in the process list.
 */
final class Secrets {
    private final InputStream in;
    private boolean stdinUsed;

    Secrets(InputStream in) {
        this.in = in;
    }

    String read(String what, Path file, String env, boolean stdin) {
        int given = (file != null ? 1 : 0) + (env != null ? 1 : 0) + (stdin ? 1 : 0);
        if (given > 1) {
            throw new UsageException(what + ": give only one of the -file, -env and -stdin options");
        }
        if (file != null) {
            try {
                return stripNewline(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UsageException(what + ": cannot read " + file + ": " + e.getMessage());
            }
        }
        if (env != null) {
            String v = System.getenv(env);
            if (v == null) {
                throw new UsageException(what + ": environment variable " + env + " is not set");
            }
            return v;
        }
        if (stdin) {
            return stripNewline(readStdin(what));
        }
        return null;
    }

    synchronized String readStdin(String what) {
        if (stdinUsed) {
            throw new UsageException(what + ": standard input was already read for another value");
        }
        stdinUsed = true;
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(what + ": cannot read standard input: " + e.getMessage());
        }
    }

    private static String stripNewline(String s) {
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
