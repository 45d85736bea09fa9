package org.csmh.agent.job;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.csmh.proto.v1.Pace;

/**
 * The live knobs of one job, set from ControlJob and read by the runner between chunks: pause, cancel and pace.
 * Sleeping through this object lets a pause, resume or cancel take effect at once instead of after the sleep.
 */
public final class JobControl {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean paused;
    private boolean cancelled;
    private Pace pace;

    public JobControl(Pace pace) {
        this.pace = pace;
    }

    public Pace pace() {
        lock.lock();
        try {
            return pace;
        } finally {
            lock.unlock();
        }
    }

    void setPace(Pace pace) {
        signal(() -> this.pace = pace);
    }

    void pause() {
        signal(() -> paused = true);
    }

    void resume() {
        signal(() -> paused = false);
    }

    void cancel() {
        signal(() -> cancelled = true);
    }

    public boolean cancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    public boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks while paused; returns false when cancelled. */
    public boolean awaitRunnable() throws InterruptedException {
        lock.lock();
        try {
            while (paused && !cancelled) {
                changed.await();
            }
            return !cancelled;
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps up to {@code millis}, waking early on any control change; returns false when cancelled. */
    public boolean sleep(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        lock.lock();
        try {
            long left;
            Pace before = pace;
            while (!cancelled && !paused && pace == before && (left = deadline - System.nanoTime()) > 0) {
                changed.awaitNanos(left);
            }
            return !cancelled;
        } finally {
            lock.unlock();
        }
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
