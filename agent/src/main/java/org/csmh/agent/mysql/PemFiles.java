package org.csmh.agent.mysql;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files MySQL and managed databases hand out: certificates (a CA bundle may hold many) and an unencrypted
 * private key in any of the three usual forms. MySQL's auto-generated client-key.pem is PKCS#1 ("RSA PRIVATE KEY"),
 * openssl's EC keys are SEC1 ("EC PRIVATE KEY"); Java reads only PKCS#8, so those two are wrapped into it here.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {
    }

    /** The file's bytes, or a message naming what it was for. */
    static byte[] read(String what, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static List<X509Certificate> certificates(String what, Path file, byte[] pem) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (b.type.equals("CERTIFICATE") || b.type.equals("TRUSTED CERTIFICATE")) {
                    out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der(what, file))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " " + file + ": not a readable certificate (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " " + file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return out;
    }

    static PrivateKey privateKey(String what, Path file, byte[] pem) {
        for (Block b : blocks(pem)) {
            switch (b.type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(what, file, b.der(what, file));
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(what, file, privateKeyInfo(RSA_ALGORITHM, b.der(what, file)));
                }
                case "EC PRIVATE KEY" -> {
                    byte[] sec1 = b.der(what, file);
                    byte[] algorithm = Der.element(0x30, concat(EC_PUBLIC_KEY_OID, Der.curveOf(sec1, what + " " + file)));
                    return pkcs8(what, file, privateKeyInfo(algorithm, sec1));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(what + " " + file
                        + ": the key is encrypted; the agent needs it unencrypted (readable by the agent only), e.g."
                        + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
                default -> {
                    // certificates or parameters next to the key: not it
                }
            }
        }
        throw new IllegalArgumentException(what + " " + file + ": no PEM private key (-----BEGIN PRIVATE KEY----- or"
                + " -----BEGIN RSA PRIVATE KEY-----) in it");
    }

    private static PrivateKey pkcs8(String what, Path file, byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException(what + " " + file + ": not an RSA, EC or Ed25519 private key the agent can read");
    }

    private record Block(String type, String body) {
        byte[] der(String what, Path file) {
            if (body.contains("ENCRYPTED")) {
                throw new IllegalArgumentException(what + " " + file + ": the key is encrypted (Proc-Type: 4,ENCRYPTED); the agent"
                        + " needs it unencrypted, e.g. openssl pkey -in KEY -out KEY.pem");
            }
            try {
                return Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " " + file + ": broken PEM (" + e.getMessage() + ")");
            }
        }
    }

    private static List<Block> blocks(byte[] pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            out.add(new Block(m.group(1), m.group(2)));
        }
        return out;
    }

    /** PKCS#8's PrivateKeyInfo: version 0, the algorithm, the key in its own form as an OCTET STRING. */
    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        return Der.element(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, Der.element(0x04, key)));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Just enough DER for the wrapping above. */
    static final class Der {
        private Der() {
        }

        static byte[] element(int tag, byte[] content) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(tag);
            int n = content.length;
            if (n < 0x80) {
                b.write(n);
            } else {
                int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
                b.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) {
                    b.write(n >>> (8 * i));
                }
            }
            b.writeBytes(content);
            return b.toByteArray();
        }

        /** The named curve's OID (tag and all) from a SEC1 ECPrivateKey's [0] parameters. */
        static byte[] curveOf(byte[] sec1, String where) {
            int[] outer = header(sec1, 0, where);
            int at = outer[0];
            int end = outer[0] + outer[1];
            while (at < end) {
                int tag = sec1[at] & 0xff;
                int[] h = header(sec1, at, where);
                if (tag == 0xa0) {
                    int[] inner = header(sec1, h[0], where);
                    return java.util.Arrays.copyOfRange(sec1, h[0], inner[0] + inner[1]);
                }
                at = h[0] + h[1];
            }
            throw new IllegalArgumentException(where + ": the EC key names no curve; convert it with openssl pkcs8 -topk8 -nocrypt");
        }

        /** {start of content, content length} of the element at {@code at}. */
        private static int[] header(byte[] d, int at, String where) {
            if (at + 2 > d.length) {
                throw new IllegalArgumentException(where + ": broken key (truncated)");
            }
            int len = d[at + 1] & 0xff;
            int start = at + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (d[start + i] & 0xff);
                }
                start += bytes;
            }
            if (start + len > d.length || len < 0) {
                throw new IllegalArgumentException(where + ": broken key (truncated)");
            }
            return new int[] {start, len};
        }
    }
}
