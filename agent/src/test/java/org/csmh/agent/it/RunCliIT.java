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
            CopyCliIT.Run migrated = CopyCliIT.run(h, false, "run", "--without-django", "--chunk-size", "1500", "--sleep-ms", "0",
                    "--growth-check-seconds", "0");
            assertEquals(6, migrated.code(), migrated.toString());
            // The servers restarted (the configured command ran); nothing writes this sandbox, so the database cannot show
            // where they write: the walk stops until the operator says.
            for (String line : new String[] {"[1] database ok", "[2] settings ok", "[3] csmh_extended ok", "[4] migrations ok",
                    "[5] auto_increment_gap ok", "[6] writes STOP"}) {
                assertTrue(flat(migrated.out()).contains(line), line + " in:\n" + migrated.out());
            }
            assertTrue(migrated.out().contains("csmhctl restart --confirm"), migrated.out());
            CopyCliIT.Run confirmed = CopyCliIT.run(h, false, "restart", "--confirm");
            assertEquals(0, confirmed.code(), confirmed.toString());
            assertTrue(confirmed.out().startsWith("writes only to CSMHE confirmed at "), confirmed.out());
            CopyCliIT.Run walk = CopyCliIT.run(h, false, "run", "--chunk-size", "1500", "--sleep-ms", "0", "--growth-check-seconds", "0");
            assertEquals(6, walk.code(), walk.toString());
            for (String line : new String[] {"[6] writes ok", "[7] copy ok", "[8] verify ok", "[9] cutover ok", "[10] purge STOP destructive"}) {
                assertTrue(flat(walk.out()).contains(line), line + " in:\n" + walk.out());
            }
            assertEquals(4_000, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));

            CopyCliIT.Run rest = CopyCliIT.run(h, false, "run", "--purge", "--chunk-size", "1500", "--sleep-ms", "0", "--growth-check-seconds", "0");
            assertEquals(0, rest.code(), rest.toString());
            assertTrue(flat(rest.out()).contains("[4] migrations ok in "), rest.out());
            assertTrue(flat(rest.out()).contains("[10] purge ok"), rest.out());
            assertTrue(rest.out().contains("procedure complete"), rest.out());
            assertEquals(0, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(4_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
        }
    }
}
