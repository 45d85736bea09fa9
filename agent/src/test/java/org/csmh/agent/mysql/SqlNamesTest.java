package org.csmh.agent.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.csmh.agent.util.InvalidInputException;
import org.junit.jupiter.api.Test;

class SqlNamesTest {
    @Test
    void acceptsOrdinaryNames() {
        assertEquals("edxapp_csmh", SqlNames.database("edxapp_csmh"));
        assertEquals("edxapp-csmh.001", SqlNames.user("edxapp-csmh.001"));
        assertEquals("10.0.%", SqlNames.host("10.0.%"));
        assertEquals("10.0.0.0/255.255.0.0", SqlNames.host("10.0.0.0/255.255.0.0"));
    }

    @Test
    void rejectsInjectionAndOversize() {
        for (String bad : List.of("", "a b", "a`b", "a'b", "db;DROP", "x".repeat(65), "é")) {
            assertThrows(InvalidInputException.class, () -> SqlNames.database(bad), bad);
        }
        for (String bad : List.of("", "u'@'%", "u\n", "x".repeat(33))) {
            assertThrows(InvalidInputException.class, () -> SqlNames.user(bad), bad);
        }
        for (String bad : List.of("", "h'", "h h", "x".repeat(256))) {
            assertThrows(InvalidInputException.class, () -> SqlNames.host(bad), bad);
        }
        assertThrows(InvalidInputException.class, () -> SqlNames.password("a\u0000b", "u"));
        assertThrows(InvalidInputException.class, () -> SqlNames.password("x".repeat(257), "u"));
        assertThrows(InvalidInputException.class, () -> SqlNames.password(null, "u"));
    }

    @Test
    void quotesStringsExactly() {
        assertEquals("'it''s \\\\ ok'", SqlNames.quoteString("it's \\ ok"));
        assertEquals("`a``b`", SqlNames.quoteIdentifier("a`b"));
    }

    @Test
    void parsesGrantsOfBothServers() {
        Map<String, Set<String>> g = GrantParser.databasePrivileges(List.of(
                "GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*ABC'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `edxapp\\_csmh`.* TO `u`@`%`",
                "GRANT ALL PRIVILEGES ON `other`.* TO 'u'@'%' WITH GRANT OPTION"));
        assertEquals(Map.of("edxapp_csmh", Set.of("SELECT", "INSERT", "UPDATE", "DELETE"), "other", Set.of("ALL PRIVILEGES"), "*", Set.of()), g);
    }
}
