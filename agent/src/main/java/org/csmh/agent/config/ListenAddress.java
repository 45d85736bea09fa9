package org.csmh.agent.config;

import java.nio.file.Path;

/**
 * Where the agent takes calls: a Unix domain socket (the default: its file mode 0660 and group decide who may call,
 * so no secret has to be handed out on the host) or a TCP address (which needs TLS or a token, see
 * {@link AgentConfigLoader}).
 *
 * @param socket the socket's path, or null for TCP
 * @param group  the group given the socket (its members may call), or null for the agent's own group
 */
public record ListenAddress(Path socket, String group, String host, int port) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/csmh-agent/agent.sock");
    /** sun_path holds 108 bytes with its terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;

    public static ListenAddress socket(Path path, String group) {
        return new ListenAddress(path, group, null, 0);
    }

    public static ListenAddress tcp(String host, int port) {
        return new ListenAddress(null, null, host, port);
    }

    public boolean isSocket() {
        return socket != null;
    }

    public boolean isLoopback() {
        return isSocket() || host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** What a client dials: {@code unix:/path} or {@code host:port}. */
    public String target() {
        return isSocket() ? "unix:" + socket : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
