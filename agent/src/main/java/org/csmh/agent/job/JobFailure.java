package org.csmh.agent.job;

/** A job stopped for a reason it can name (duplicate key, warning, mismatch); the message is shown as-is. */
public class JobFailure extends Exception {
    public JobFailure(String message) {
        super(message);
    }

    public JobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
