package org.csmh.agent.util;

/** Input that the agent refuses before touching anything; maps to INVALID_ARGUMENT. */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
