package org.csmh.agent.util;

/** A well-formed request the current state of the host or database does not allow; maps to FAILED_PRECONDITION. */
public class PreconditionException extends RuntimeException {
    public PreconditionException(String message) {
        super(message);
    }

    public PreconditionException(String message, Throwable cause) {
        super(message, cause);
    }
}
