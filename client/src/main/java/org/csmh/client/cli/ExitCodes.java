package org.csmh.client.cli;

import io.grpc.Status;

/** csmhctl's exit codes, documented in README.md. */
final class ExitCodes {
    static final int OK = 0;
    static final int ERROR = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    static final int REFUSED = 4;
    static final int DENIED = 5;
    static final int INCOMPLETE = 6;
    static final int JOB_FAILED = 7;
    static final int NO_GO = 8;

    private ExitCodes() {
    }

    static int of(Status.Code code) {
        return switch (code) {
            case OK -> OK;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> USAGE;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED, NOT_FOUND -> REFUSED;
            case PERMISSION_DENIED, UNAUTHENTICATED -> DENIED;
            default -> ERROR;
        };
    }
}
