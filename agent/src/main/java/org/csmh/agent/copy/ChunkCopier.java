package org.csmh.agent.copy;

import org.csmh.agent.job.ChunkWalker;

/** Copies every chunk the walker hands out until the range is done, the job is cancelled, or an error. */
interface ChunkCopier extends AutoCloseable {
    void copyAll(ChunkWalker walker) throws Exception;

    @Override
    void close();
}
