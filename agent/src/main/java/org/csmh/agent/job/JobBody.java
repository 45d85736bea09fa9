package org.csmh.agent.job;

/** The work of one job kind. Returns normally when done; throws to fail; checks the handle's control to stop. */
public interface JobBody {
    void run(JobHandle handle) throws Exception;
}
