package org.csmh.agent.mysql;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How connections to one endpoint use TLS, in MySQL's own terms (the ssl-mode of the mysql client, of libmysqlclient
 * and so of Django's mysqlclient): a mode, the CA certificates that sign the server's certificate, and a client
 * certificate and key for accounts that REQUIRE X509. Files are PEM, as the servers and managed databases (RDS, Cloud
 * SQL, Azure) hand them out; they are read at each connection, so a renewed certificate is taken without a restart.
 */
public record EndpointTls(Mode mode, Path ca, Path cert, Path key) {
    /** As MySQL names them; PREFERRED (encrypt when the server offers it, verify nothing) is every client's default. */
    public enum Mode {
        DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY;

        public boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_IDENTITY;
        }
    }

    /** What a connection gets when nothing is configured: the driver's and Django's default. */
    public static final EndpointTls DEFAULT = new EndpointTls(Mode.PREFERRED, null, null, null);

    public EndpointTls {
        if (mode == null) {
            throw new IllegalArgumentException("TLS mode missing");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate and its key go together (client_cert and client_key)");
        }
        if (mode == Mode.DISABLED && (ca != null || cert != null)) {
            throw new IllegalArgumentException("ssl_mode DISABLED with certificate files: drop the files or choose another mode");
        }
    }

    /**
     * From configured words: {@code mode} as MySQL spells it (any case), else VERIFY_IDENTITY when {@code checkHostname}
     * is true, else VERIFY_CA when a CA is given (whoever names a CA means it to be checked: the mysql client reads
     * --ssl-ca so), else PREFERRED.
     */
    public static EndpointTls of(String mode, Path ca, Path cert, Path key, Boolean checkHostname) {
        Mode m;
        if (mode != null && !mode.isBlank()) {
            try {
                m = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown ssl_mode " + SqlNames.printable(mode)
                        + " (DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)");
            }
            if (Boolean.TRUE.equals(checkHostname) && m != Mode.VERIFY_IDENTITY) {
                throw new IllegalArgumentException("check_hostname asks for VERIFY_IDENTITY, ssl_mode says " + m);
            }
        } else if (Boolean.TRUE.equals(checkHostname)) {
            m = Mode.VERIFY_IDENTITY;
        } else {
            m = ca != null ? Mode.VERIFY_CA : Mode.PREFERRED;
        }
        return new EndpointTls(m, ca, cert, key);
    }

    /**
     * From a Django DATABASES entry's OPTIONS, as mysqlclient takes them: {@code ssl_mode} and the {@code ssl} mapping
     * (ca, cert, key; capath and cipher are refused, the agent's driver cannot honour them and the setting would be
     * silently weaker; other keys mysqlclient ignores, and so does the agent). Relative paths are the LMS's, so they are refused too.
     */
    public static EndpointTls fromDjangoOptions(Object options) {
        if (!(options instanceof Map<?, ?> o)) {
            return DEFAULT;
        }
        Object ssl = o.get("ssl");
        Object mode = o.get("ssl_mode");
        if (ssl == null && mode == null) {
            return DEFAULT;
        }
        Path ca = null;
        Path cert = null;
        Path key = null;
        if (ssl instanceof Map<?, ?> s) {
            for (Map.Entry<?, ?> e : s.entrySet()) {
                String k = String.valueOf(e.getKey());
                switch (k) {
                    case "ca" -> ca = absolute("OPTIONS.ssl.ca", e.getValue());
                    case "cert" -> cert = absolute("OPTIONS.ssl.cert", e.getValue());
                    case "key" -> key = absolute("OPTIONS.ssl.key", e.getValue());
                    case "capath", "cipher" -> throw new IllegalArgumentException("OPTIONS.ssl key " + SqlNames.printable(k)
                            + " is not supported by the agent (it takes ca, cert and key)");
                    default -> {
                        // mysqlclient reads only ca, capath, cert, key and cipher: the LMS ignores any other key, so does the agent
                    }
                }
            }
        } else if (ssl != null && !Boolean.FALSE.equals(ssl)) {
            throw new IllegalArgumentException("OPTIONS.ssl: expected a mapping of ca, cert, key");
        }
        return of(mode == null ? null : String.valueOf(mode), ca, cert, key, null);
    }

    private static Path absolute(String where, Object value) {
        String s = value == null ? "" : value.toString();
        Path p = Path.of(s);
        if (s.isBlank() || !p.isAbsolute()) {
            throw new IllegalArgumentException(where + ": expected an absolute path, got " + SqlNames.printable(s));
        }
        return p;
    }

    /** Reads and parses the certificate and key files, as each connection will: a problem is named now, not at the first call. */
    public void checkFiles() {
        if (ca != null) {
            PemFiles.certificates("ca_cert", ca, PemFiles.read("ca_cert", ca));
        }
        if (cert != null) {
            PemFiles.certificates("client_cert", cert, PemFiles.read("client_cert", cert));
            PemFiles.privateKey("client_key", key, PemFiles.read("client_key", key));
        }
    }

    /** For status and messages: the mode and the files, never their contents. */
    public String describe() {
        StringBuilder b = new StringBuilder("ssl_mode ").append(mode);
        if (ca != null) {
            b.append(", CA ").append(ca);
        } else if (mode.verifies()) {
            b.append(", the JVM's trusted CAs");
        }
        if (cert != null) {
            b.append(", client certificate ").append(cert);
        }
        return b.toString();
    }
}
