package org.csmh.agent.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
    @Test
    void identicalTextsHaveNoDiff() {
        assertEquals("", UnifiedDiff.diff("a", "b", "x\ny\n", "x\ny\n"));
    }

    @Test
    void hunksCarryThreeLinesOfContextAndCorrectRanges() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n";
        String b = "1\n2\n3\n4\n5\nfive-and-a-half\n6\n7\n8\n9\n10\n11\n12\n13\n14\nfifteen\n";
        assertEquals("""
                --- a
                +++ b
                @@ -3,6 +3,7 @@
                 3
                 4
                 5
                +five-and-a-half
                 6
                 7
                 8
                @@ -12,4 +13,4 @@
                 12
                 13
                 14
                -15
                +fifteen
                """, UnifiedDiff.diff("a", "b", a, b));
    }

    @Test
    void nearbyChangesShareOneHunk() {
        String d = UnifiedDiff.diff("a", "b", "a\nb\nc\nd\ne\n", "a\nB\nc\nD\ne\n");
        assertEquals("--- a\n+++ b\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n-d\n+D\n e\n", d);
    }
}
