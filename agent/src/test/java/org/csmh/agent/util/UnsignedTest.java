package org.csmh.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnsignedTest {
    @Test
    void theLargestUint32IsNotMinusOne() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Unsigned.atMost(-1, 300, "growth_check_seconds"));
        assertEquals("growth_check_seconds 4294967295 is above 300", e.getMessage());
        assertEquals(300, Unsigned.atMost(300, 300, "x"));
        assertEquals(4_294_967_295L, Unsigned.of(-1));
    }

    @Test
    void theLargestUint64sAreNotNegative() {
        long offset = Long.parseUnsignedLong("18446744073709451616");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Unsigned.atMost(offset, 1_000_000_000L, "auto_increment_offset"));
        assertTrue(e.getMessage().startsWith("auto_increment_offset 18446744073709451616 is above"), e.getMessage());
    }
}
