package org.csmh.client.cli;

/** Bad command-line input, found before anything is sent; exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
