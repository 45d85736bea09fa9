package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Flag;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** csmhctl run walks the procedure, stops at gates, and continues where it stopped. */
class RunCliIT {
    @TempDir
    Path dir;

    static String flat(String s) {
        return s.replaceAll(" +", " ");
    }

    @Test
    void walksTheWholeProcedureStoppingAtGates() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 4_000).startInProcess()) {
            CopyCliIT.Run early = CopyCliIT.run(h, false, "run");
            assertEquals(6, early.code(), early.toString());
            assertTrue(flat(early.out()).contains("[1] database STOP"), early.out());

            h.configureTarget();
            h.client.updateSettings(UpdateSettingsRequest.newBuilder().setEnableCsmhExtended(Flag.FLAG_TRUE).build());
            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe());
            CopyCliIT.Run walk = CopyCliIT.run(h, false, "run", "--without-django", "--chunk-size", "1500", "--sleep-ms", "0",
                    "--growth-check-seconds", "0");
            assertEquals(6, walk.code(), walk.toString());
            for (String line : new String[] {"[1] database ok", "[2] settings ok", "[3] csmh_extended ok", "[4] migrations ok",
                    "[5] auto_increment_gap ok", "[6] copy ok", "[7] verify ok", "[8] cutover ok", "[9] purge STOP destructive"}) {
                assertTrue(flat(walk.out()).contains(line), line + " in:\n" + walk.out());
            }
            assertEquals(4_000, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));

            CopyCliIT.Run rest = CopyCliIT.run(h, false, "run", "--purge", "--chunk-size", "1500", "--sleep-ms", "0", "--growth-check-seconds", "0");
            assertEquals(0, rest.code(), rest.toString());
            assertTrue(flat(rest.out()).contains("[4] migrations ok in "), rest.out());
            assertTrue(flat(rest.out()).contains("[9] purge ok"), rest.out());
            assertTrue(rest.out().contains("procedure complete"), rest.out());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(4_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
        }
    }
}
