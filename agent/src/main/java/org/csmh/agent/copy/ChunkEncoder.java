package org.csmh.agent.copy;

/** One chunk of rows encoded by the reader thread for the writer to send as it is: LOAD DATA text or INSERT statements. */
interface ChunkEncoder {
    /** Appends the next column value of the current row, as the server's own text; null is SQL NULL. */
    void cell(byte[] v);

    void endRow();

    /** Bytes encoded so far. */
    int size();

    int rows();
}
