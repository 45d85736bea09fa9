package org.csmh.agent.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import org.csmh.agent.testing.Openssl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in every form openssl writes them, each proven to be the certificate's own by a signature it verifies. */
class PemFilesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        Openssl.assumeAvailable();
        // PKCS#1, as MySQL's auto-generated client-key.pem and `openssl genrsa -traditional`
        Openssl.run(dir, "genrsa", "-traditional", "-out", "rsa1.key", "2048");
        Openssl.run(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "rsa1.key", "-out", "rsa8.key");
        // SEC1, as `openssl ecparam -genkey` writes EC keys
        Openssl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec1.key");
        Openssl.run(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "ec1.key", "-out", "ec8.key");
        Openssl.run(dir, "pkcs8", "-topk8", "-in", "rsa1.key", "-out", "encrypted.key", "-passout", "pass:secret");
        // PKCS#1 encrypted the old way: headers (Proc-Type, DEK-Info: AES-128-CBC,...) inside the block
        Openssl.run(dir, "rsa", "-in", "rsa1.key", "-aes128", "-traditional", "-passout", "pass:secret", "-out", "encrypted1.key");
        for (String k : List.of("rsa1", "ec1")) {
            Openssl.run(dir, "req", "-x509", "-key", k + ".key", "-out", k + ".crt", "-days", "2", "-subj", "/CN=" + k);
        }
        // A bundle with text around its certificates, as CA bundles are handed out
        Files.writeString(dir.resolve("bundle.pem"), "# the first CA\n" + Files.readString(dir.resolve("rsa1.crt"))
                + "\nthe second:\n" + Files.readString(dir.resolve("ec1.crt")));
    }

    private static PrivateKey key(String file) {
        Path p = dir.resolve(file);
        return PemFiles.privateKey("client_key", p, PemFiles.read("client_key", p));
    }

    private static X509Certificate cert(String file) {
        Path p = dir.resolve(file);
        return PemFiles.certificates("client_cert", p, PemFiles.read("client_cert", p)).get(0);
    }

    private static void assertPair(PrivateKey key, X509Certificate cert, String algorithm) throws Exception {
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(new byte[] {1, 2, 3});
        byte[] signature = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(signature), "the key is the certificate's");
    }

    @Test
    void rsaKeysInPkcs1AndPkcs8() throws Exception {
        assertPair(key("rsa1.key"), cert("rsa1.crt"), "SHA256withRSA");
        assertPair(key("rsa8.key"), cert("rsa1.crt"), "SHA256withRSA");
    }

    @Test
    void ecKeysInSec1AndPkcs8() throws Exception {
        assertPair(key("ec1.key"), cert("ec1.crt"), "SHA256withECDSA");
        assertPair(key("ec8.key"), cert("ec1.crt"), "SHA256withECDSA");
    }

    @Test
    void aBundleGivesEveryCertificate() {
        Path p = dir.resolve("bundle.pem");
        List<X509Certificate> all = PemFiles.certificates("ca_cert", p, PemFiles.read("ca_cert", p));
        assertEquals(List.of("CN=rsa1", "CN=ec1"), all.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
    }

    @Test
    void whatCannotBeUsedIsNamedWithTheWayOut() {
        IllegalArgumentException encrypted = assertThrows(IllegalArgumentException.class, () -> key("encrypted.key"));
        assertTrue(encrypted.getMessage().contains("encrypted.key: the key is encrypted"), encrypted.getMessage());
        assertTrue(encrypted.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), encrypted.getMessage());
        IllegalArgumentException encrypted1 = assertThrows(IllegalArgumentException.class, () -> key("encrypted1.key"));
        assertTrue(encrypted1.getMessage().contains("encrypted1.key: the key is encrypted (Proc-Type: 4,ENCRYPTED)"), encrypted1.getMessage());
        IllegalArgumentException notKey = assertThrows(IllegalArgumentException.class, () -> key("rsa1.crt"));
        assertTrue(notKey.getMessage().contains("rsa1.crt: no PEM private key"), notKey.getMessage());
        IllegalArgumentException notCert = assertThrows(IllegalArgumentException.class, () -> cert("rsa1.key"));
        assertTrue(notCert.getMessage().contains("rsa1.key: no PEM certificate"), notCert.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> cert("absent.pem"));
        assertTrue(missing.getMessage().startsWith("client_cert " + dir.resolve("absent.pem") + ": cannot read"), missing.getMessage());
    }
}
