package org.csmh.agent.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ChunkChecksumTest {
    @Test
    void utf8TablesAreSummedAsStoredOthersConvertedToUtf8mb4() {
        // MariaDB names utf8 "utf8mb3", MySQL 8.0 "utf8"; their bytes are UTF-8 as utf8mb4's are.
        for (Set<String> utf8 : java.util.List.of(Set.of("utf8mb3"), Set.of("utf8"), Set.of("utf8mb4"), Set.of("utf8mb3", "utf8mb4"),
                Set.of("ascii", "utf8mb4"), Set.<String>of())) {
            assertEquals(ChunkChecksum.ROW_CRC, ChunkChecksum.rowCrc(utf8), utf8.toString());
        }
        for (Set<String> other : java.util.List.of(Set.of("latin1"), Set.of("latin1", "utf8mb3"), Set.of("utf16"))) {
            String crc = ChunkChecksum.rowCrc(other);
            assertTrue(crc.startsWith("CRC32(CONVERT(CONCAT_WS(") && crc.endsWith(" USING utf8mb4))"), other + ": " + crc);
        }
    }
}
