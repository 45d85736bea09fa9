package org.csmh.agent.mysql;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver properties of an endpoint's TLS settings. Connector/J takes CA and client certificates only as key stores
 * named by URL, where operators have PEM files; so the PEM files are read at each connection and turned into PKCS#12
 * stores in a directory only the agent may read (0700, removed at exit), one pair per distinct content: a renewed
 * certificate is a new store, an unchanged one is read from disk once per connection and never written again. The
 * stores' password is random per agent process and never leaves it.
 */
final class TlsKeyStores {
    private static final TlsKeyStores INSTANCE = new TlsKeyStores();

    private final Map<String, Path> stores = new ConcurrentHashMap<>();
    private final char[] password;
    private Path dir;

    private TlsKeyStores() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        password = HexFormat.of().formatHex(random).toCharArray();
    }

    /** Connector/J's properties for {@code tls}; the files are checked here, so a bad one fails before any connection. */
    static Properties properties(EndpointTls tls) {
        Properties p = new Properties();
        p.setProperty("sslMode", tls.mode().name());
        if (tls.ca() != null) {
            byte[] pem = PemFiles.read("ca_cert", tls.ca());
            Path store = INSTANCE.store("ca", pem, () -> INSTANCE.trustStore(PemFiles.certificates("ca_cert", tls.ca(), pem)));
            p.setProperty("trustCertificateKeyStoreUrl", store.toUri().toString());
            p.setProperty("trustCertificateKeyStoreType", "PKCS12");
            p.setProperty("trustCertificateKeyStorePassword", new String(INSTANCE.password));
            // Only the CA given, as libmysqlclient's --ssl-ca: not also every CA the JVM trusts.
            p.setProperty("fallbackToSystemTrustStore", "false");
        }
        if (tls.cert() != null) {
            byte[] certPem = PemFiles.read("client_cert", tls.cert());
            byte[] keyPem = PemFiles.read("client_key", tls.key());
            byte[] both = new byte[certPem.length + keyPem.length];
            System.arraycopy(certPem, 0, both, 0, certPem.length);
            System.arraycopy(keyPem, 0, both, certPem.length, keyPem.length);
            Path store = INSTANCE.store("client", both, () -> INSTANCE.keyStore(PemFiles.certificates("client_cert", tls.cert(), certPem),
                    PemFiles.privateKey("client_key", tls.key(), keyPem)));
            p.setProperty("clientCertificateKeyStoreUrl", store.toUri().toString());
            p.setProperty("clientCertificateKeyStoreType", "PKCS12");
            p.setProperty("clientCertificateKeyStorePassword", new String(INSTANCE.password));
            p.setProperty("fallbackToSystemKeyStore", "false");
        }
        return p;
    }

    private interface StoreMaker {
        KeyStore make() throws GeneralSecurityException, IOException;
    }

    private Path store(String kind, byte[] content, StoreMaker maker) {
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return stores.computeIfAbsent(kind + "-" + digest, name -> write(name, maker));
    }

    private synchronized Path write(String name, StoreMaker maker) {
        try {
            KeyStore ks = maker.make();
            Path file = directory().resolve(name + ".p12");
            Path tmp = directory().resolve(name + ".p12.tmp");
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ks.store(out, password);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot prepare the TLS key store for the database connection: " + e.getMessage(), e);
        }
    }

    private KeyStore trustStore(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return ks;
    }

    private KeyStore keyStore(List<X509Certificate> chain, java.security.PrivateKey key) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
        return ks;
    }

    /** Created on first use, readable by the agent's user only. */
    private synchronized Path directory() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("csmh-agent-tls-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            dir.toFile().deleteOnExit();
        }
        return dir;
    }
}
