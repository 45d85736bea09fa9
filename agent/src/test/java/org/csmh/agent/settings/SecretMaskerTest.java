package org.csmh.agent.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Secrets are masked by YAML node: every style the configuration repository or a hand edit may leave in lms.yml. */
class SecretMaskerTest {
    @Test
    void flowStyleDatabasesAreMasked() {
        String text = "DATABASES: {default: {ENGINE: django.db.backends.mysql, PASSWORD: fl0w-secret, USER: edxapp001},"
                + " student_module_history: {PASSWORD: 'sm-secret', USER: u}}\nSECRET_KEY: \"k3y\"\n";
        String masked = SecretMasker.mask(text);
        for (String secret : new String[] {"fl0w-secret", "sm-secret", "k3y"}) {
            assertFalse(masked.contains(secret), masked);
        }
        assertTrue(masked.contains("USER: edxapp001") && masked.contains("PASSWORD: ********"), masked);
    }

    @Test
    void foldedAndMultiLineValuesAreMaskedWhole() {
        String text = """
                DATABASES:
                  default:
                    PASSWORD: >-
                      first-half-of-a-long-password
                      second-half-of-it
                    USER: edxapp001
                  other:
                    PASSWORD: "quoted start
                      quoted continuation"
                    USER: x
                JWT_PRIVATE_SIGNING_JWK: |
                  {"kty": "RSA", "d": "private-part"}
                AFTER: visible
                """;
        String masked = SecretMasker.mask(text);
        for (String secret : new String[] {"first-half", "second-half", "quoted start", "quoted continuation", "private-part"}) {
            assertFalse(masked.contains(secret), masked);
        }
        assertTrue(masked.contains("    USER: edxapp001\n") && masked.contains("\nAFTER: visible\n"), masked);
        assertEquals(text.lines().count(), masked.lines().count() + 4, "each multi-line value became one line: " + masked);
    }

    @Test
    void anAliasUnderASecretKeyMasksItsAnchor() {
        String masked = SecretMasker.mask("SHARED: &pw an-anchored-secret\nDATABASES:\n  default:\n    PASSWORD: *pw\n");
        assertFalse(masked.contains("an-anchored-secret"), masked);
    }

    @Test
    void aChangedSecretShowsAsChangedNeverInClear() {
        String before = "DATABASES: {student_module_history: {PASSWORD: old-pw, USER: u}}\n";
        String after = "DATABASES: {student_module_history: {PASSWORD: new-pw, USER: u}}\n";
        String diff = SecretMasker.diff("lms.yml", before, after);
        assertFalse(diff.contains("old-pw") || diff.contains("new-pw"), diff);
        assertTrue(diff.contains("+DATABASES: {student_module_history: {PASSWORD: ********  # changed, USER: u}}"), diff);
        assertEquals("", SecretMasker.diff("lms.yml", before, before), "an unchanged secret is no change");
    }

    @Test
    void textThatDoesNotParseIsMaskedByLine() {
        String masked = SecretMasker.mask("PASSWORD: broken-secret\n  : [unclosed\n");
        assertFalse(masked.contains("broken-secret"), masked);
    }
}
