package org.csmh.agent.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * MySQL 8.0.22+ and 8.4 spell the listing's columns Seconds_Behind_Source and Channel_Name (8.4 has no other
 * statement); no server here speaks that spelling, so a real result set of that shape stands in for one: the lag
 * read is the largest over the channels, and a NULL names its channel.
 */
class ReplicaStatusColumnsIT {
    private static ThrottleMetrics.Reading read(String rows) throws Exception {
        try (Connection c = new ConnectionFactory(5000).open(TestDatabases.root()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(rows)) {
            return ThrottleMetrics.maxLag(rs, "SHOW REPLICA STATUS");
        }
    }

    @Test
    void mysql84sColumnsAreRead() throws Exception {
        ThrottleMetrics.Reading lag = read("SELECT 'Yes' AS Replica_SQL_Running, 3 AS Seconds_Behind_Source, 'a' AS Channel_Name"
                + " UNION ALL SELECT 'Yes', 7, 'b'");
        assertEquals(7L, lag.value(), String.valueOf(lag));
        ThrottleMetrics.Reading stopped = read("SELECT 'Yes' AS Replica_SQL_Running, 3 AS Seconds_Behind_Source, 'a' AS Channel_Name"
                + " UNION ALL SELECT 'No', NULL, 'b'");
        assertNull(stopped.value());
        assertEquals("replication is not running on channel 'b' (lag is NULL)", stopped.error());
        ThrottleMetrics.Reading none = read("SELECT 3 AS Seconds_Behind_Source, 'a' AS Channel_Name FROM DUAL WHERE 1 = 0");
        assertEquals("not a replica (SHOW REPLICA STATUS is empty)", none.error());
    }
}
