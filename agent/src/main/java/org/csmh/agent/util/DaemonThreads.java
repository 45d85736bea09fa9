package org.csmh.agent.util;

import java.util.concurrent.ThreadFactory;

/** Threads that work for a job and must not keep the JVM alive, named after it so thread dumps say whose they are. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
