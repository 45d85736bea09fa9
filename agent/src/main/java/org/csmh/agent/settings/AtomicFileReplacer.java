package org.csmh.agent.settings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import org.csmh.agent.util.Directories;
import org.csmh.agent.util.PreconditionException;

/**
 * Replaces a file's content atomically: a timestamped backup first, then a temp file in the same directory
 * (written, fsynced, given the original's owner, group and mode) renamed over the original. If anything fails
 * the original is untouched and the temp file removed. Staging and the rename are separate steps so several files
 * can change together: stage them all, then rename, restoring the renamed ones if a later rename fails.
 */
final class AtomicFileReplacer {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final Clock clock;

    AtomicFileReplacer(Clock clock) {
        this.clock = clock;
    }

    /** A file's new content written beside it, ready to be renamed over it; the backup of the old content made. */
    record Staged(Path target, Path temp, Path backup, byte[] original, PosixFileAttributes attrs) {
    }

    /** One file: stage, then rename. */
    Path replace(Path file, byte[] expected, String content) throws IOException {
        Staged s = stage(file, expected, content);
        try {
            commit(s);
        } catch (IOException e) {
            abort(s);
            throw e;
        }
        return s.backup();
    }

    /**
     * Writes the backup and the new content's temp file (fsynced, the original's owner, group and mode), without
     * touching the file itself. Nothing is left behind if this fails.
     *
     * @param expected the bytes the caller read and edited; if the file changed since, nothing is written.
     */
    Staged stage(Path file, byte[] expected, String content) throws IOException {
        Path target = file.toRealPath();
        Path dir = target.getParent();
        PosixFileAttributes attrs = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!Arrays.equals(Files.readAllBytes(target), expected)) {
            throw new PreconditionException(file + " changed while it was being edited; nothing written, try again");
        }
        Path backup = backupPath(target);
        try {
            Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
            keepOwnership(backup, attrs);
        } catch (IOException e) {
            // A disk that cannot hold the backup cannot hold the new file either; leave no half-written backup.
            Files.deleteIfExists(backup);
            throw e;
        }
        try {
            return new Staged(target, writeTemp(dir, target, content.getBytes(StandardCharsets.UTF_8), attrs), backup, expected, attrs);
        } catch (IOException e) {
            Files.deleteIfExists(backup);
            throw e;
        }
    }

    /** The rename: the file now holds the new content. */
    void commit(Staged s) throws IOException {
        try {
            Files.move(s.temp(), s.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename atomically in " + s.target().getParent(), e);
        }
        Directories.sync(s.target().getParent());
    }

    /** Not committed after all: the temp file and the backup go, the file is as it was. */
    void abort(Staged s) {
        try {
            Files.deleteIfExists(s.temp());
            Files.deleteIfExists(s.backup());
        } catch (IOException ignored) {
            // a stray temp or backup file is harmless; the settings file itself was never touched
        }
    }

    /** Committed, but its partner could not be: put the original content back the same atomic way. */
    void restore(Staged s) throws IOException {
        Path temp = writeTemp(s.target().getParent(), s.target(), s.original(), s.attrs());
        try {
            Files.move(temp, s.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        Directories.sync(s.target().getParent());
        Files.deleteIfExists(s.backup());
    }

    private static Path writeTemp(Path dir, Path target, byte[] content, PosixFileAttributes attrs) throws IOException {
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            keepOwnership(temp, attrs);
            Files.setPosixFilePermissions(temp, attrs.permissions());
            return temp;
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private Path backupPath(Path target) throws IOException {
        String base = target.getFileName() + "." + STAMP.format(clock.instant());
        for (int i = 0; i < 100; i++) {
            Path candidate = target.resolveSibling(base + (i == 0 ? "" : "." + i) + ".bak");
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
        throw new FileAlreadyExistsException(target + ": too many backups within one second");
    }

    private static void keepOwnership(Path path, PosixFileAttributes attrs) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes now = view.readAttributes();
        // chown needs privileges the agent may not have; only ask when something differs.
        if (!now.owner().equals(attrs.owner())) {
            view.setOwner(attrs.owner());
        }
        if (!now.group().equals(attrs.group())) {
            view.setGroup(attrs.group());
        }
    }
}
