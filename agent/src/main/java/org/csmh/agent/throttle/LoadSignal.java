package org.csmh.agent.throttle;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A built-in load signal: a number read from a server that is not a plain SHOW GLOBAL STATUS variable (those need
 * no class). Adding one: implement this and list it in {@link LoadSignals#BUILT_IN}; a pace's max_load then takes
 * its name with a limit, and the throttle, status, metrics and csmhctl show it as they show any signal.
 */
public interface LoadSignal {
    /** The name a max_load entry uses. */
    String name();

    /** The current value, or why it cannot be read. A lost connection is thrown, not returned. */
    ThrottleMetrics.Reading read(Connection server) throws SQLException;
}
