package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.Test;

/** The write path, chosen once from the request, the mode, the lock mode and where the server runs. */
class WritePathTest {
    private static final StartCopyRequest AUTO = StartCopyRequest.getDefaultInstance();

    @Test
    void lockModeOneOnThisHostKeepsSimpleInsertsAndOnAnotherHostKeepsTheRowsOnTheServer() {
        WritePath here = WritePath.choose(AUTO, CopyMode.COPY_MODE_SAME_INSTANCE, 1, false);
        assertTrue(here.simpleInsertsBecause().startsWith("innodb_autoinc_lock_mode=1"), here.toString());
        assertEquals(0, here.shortIds());
        WritePath remote = WritePath.choose(AUTO, CopyMode.COPY_MODE_SAME_INSTANCE, 1, true);
        assertNull(remote.simpleInsertsBecause());
        assertEquals(250, remote.shortIds());
        assertTrue(remote.insertSelect());
        assertEquals(2, remote.writers(), "short statements let go of the AUTO-INC lock: writers interleave");
        assertFalse(remote.blocksLmsInserts());
        assertTrue(remote.describe(true).startsWith("INSERT..SELECT in statements of 250 ids, one round trip per chunk (innodb_autoinc_lock_mode=1"
                + " and the server on another host"), remote.describe(true));
    }

    @Test
    void lockModeTwoAndCrossServerAreUnchangedByWhereTheServerRuns() {
        for (boolean remote : new boolean[] {false, true}) {
            WritePath two = WritePath.choose(AUTO, CopyMode.COPY_MODE_SAME_INSTANCE, 2, remote);
            assertEquals(0, two.shortIds());
            assertTrue(two.insertSelect());
            WritePath cross = WritePath.choose(AUTO, CopyMode.COPY_MODE_CROSS_SERVER, 1, remote);
            assertEquals(0, cross.shortIds());
            assertTrue(cross.simpleInsertsBecause().startsWith("innodb_autoinc_lock_mode=1"));
        }
    }

    @Test
    void shortStatementsAskedForCrossServerAreSimpleInserts() {
        StartCopyRequest asked = StartCopyRequest.newBuilder().setStatement(CopyStatement.COPY_STATEMENT_SHORT_INSERT_SELECT).build();
        WritePath cross = WritePath.choose(asked, CopyMode.COPY_MODE_CROSS_SERVER, 2, true);
        assertEquals("short INSERT..SELECT needs one server", cross.simpleInsertsBecause());
        WritePath bulkOne = WritePath.choose(StartCopyRequest.newBuilder().setStatement(CopyStatement.COPY_STATEMENT_BULK).build(),
                CopyMode.COPY_MODE_SAME_INSTANCE, 1, true);
        assertTrue(bulkOne.blocksLmsInserts());
        assertEquals(1, bulkOne.writers());
    }
}
