package org.csmh.agent.server;

import io.grpc.Attributes;
import io.grpc.ServerCall;

/**
 * Who is at the other end of a Unix-socket connection, as the kernel saw it when they connected (SO_PEERCRED): a
 * user id, group id and process id no caller can make up. The socket's mode and group decide who may call; this
 * says who did, for the audit log.
 */
record UnixCaller(int uid, int gid, int pid) {
    /** The transport attribute {@link PeerCredentialsNegotiator} gives every Unix-socket connection. */
    static final Attributes.Key<UnixCaller> KEY = Attributes.Key.create("org.csmh.agent.unix-caller");

    /** The caller of {@code call}, or null when it did not come through the Unix socket. */
    static UnixCaller of(ServerCall<?, ?> call) {
        return call.getAttributes().get(KEY);
    }

    @Override
    public String toString() {
        return "uid=" + uid + " gid=" + gid + " pid=" + pid;
    }
}
