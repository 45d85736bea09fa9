package org.csmh.agent.job;

import org.csmh.agent.job.JobHandle;

/**
 * One pass of a chunked job from wherever it stands to its end. A pass starts by finding its own resume point, so
 * running it again after a database error (see {@link Retrying}) is the same as running it the first time.
 */
public interface JobPass {
    void runOnce(JobHandle job) throws Exception;
}
