package org.csmh.agent.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What an atomic replace needs besides the rename itself. */
public final class Directories {
    private Directories() {
    }

    /**
     * Makes a rename in {@code dir} durable: the rename is atomic, but until the directory is synced a power loss
     * can bring back the old file, or no file at all for a new one.
     */
    public static void sync(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Not every filesystem lets a directory be opened for fsync; the rename itself is already atomic.
        }
    }
}
