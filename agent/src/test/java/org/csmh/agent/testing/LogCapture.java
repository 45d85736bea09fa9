package org.csmh.agent.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one logger writes while this is open (the audit log, the migration output), for assertions. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            messages.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String loggerName) {
        // held here: a logger nobody references can be collected, with the handler on it
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** The messages so far, in order (a copy). */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
