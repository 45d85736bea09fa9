package org.csmh.agent.server;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.logging.Logger;

/**
 * Puts the agent's Unix socket at its path with mode 0660 and the configured group, without a moment where it is
 * reachable with other rights: the server binds a private name in the same directory, which gets its mode and group
 * and is then renamed onto the public path (a rename is atomic and replaces a stale socket left by a killed agent).
 * A socket another process still answers on is never replaced.
 */
final class UnixSocketBinding {
    private static final Logger LOG = Logger.getLogger(UnixSocketBinding.class.getName());
    private final Path socket;
    private final Path privateName;
    private final GroupPrincipal group;

    UnixSocketBinding(Path socket, String groupName) throws IOException {
        this.socket = socket.toAbsolutePath();
        this.privateName = this.socket.resolveSibling("." + this.socket.getFileName() + "." + ProcessHandle.current().pid() + ".binding");
        if (groupName == null) {
            this.group = null;
        } else {
            try {
                this.group = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(groupName);
            } catch (UserPrincipalNotFoundException e) {
                throw new IOException("socket_group: no group named '" + groupName + "' on this host");
            }
        }
        Files.createDirectories(this.socket.getParent());
        if (answers(this.socket)) {
            throw new IOException("another process is listening on " + this.socket + " (a second agent?); stop it first");
        }
        Files.deleteIfExists(privateName);
    }

    /** The name the server binds before {@link #publish()}. */
    Path bindPath() {
        return privateName;
    }

    /** Gives the bound socket its mode and group, then moves it to the public path. */
    void publish() throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(privateName, PosixFileAttributeView.class);
        if (group != null) {
            view.setGroup(group);
        }
        view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        Files.move(privateName, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("event=socket_ready path=" + socket + " mode=0660 group=" + Files.readAttributes(socket,
                java.nio.file.attribute.PosixFileAttributes.class).group().getName());
    }

    /** Removes the socket file (the server that owned it has stopped). */
    void remove() {
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(privateName);
        } catch (IOException e) {
            LOG.warning("event=socket_not_removed path=" + socket + " reason=\"" + e.getMessage() + "\"");
        }
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ignored = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false; // refused: left by an agent that was killed, nobody listens
        }
    }
}
