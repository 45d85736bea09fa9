package org.csmh.agent.job;

/** No job with that id; maps to NOT_FOUND. */
public class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(String message) {
        super(message);
    }
}
