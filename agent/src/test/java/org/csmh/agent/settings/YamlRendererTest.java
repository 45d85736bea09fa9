package org.csmh.agent.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class YamlRendererTest {
    @Test
    void quotesOnlyWhatWouldNotReadBackAsTheSameString() {
        assertEquals("127.0.0.1", YamlRenderer.scalar("127.0.0.1"));
        assertEquals("db.internal", YamlRenderer.scalar("db.internal"));
        assertEquals("'3306'", YamlRenderer.scalar("3306"));
        assertEquals("'1.5'", YamlRenderer.scalar("1.5"));
        assertEquals("'yes'", YamlRenderer.scalar("yes"));
        assertEquals("'null'", YamlRenderer.scalar("null"));
        assertEquals("''", YamlRenderer.scalar(""));
        assertEquals("'a: b'", YamlRenderer.scalar("a: b"));
        assertEquals("'#x'", YamlRenderer.scalar("#x"));
        assertEquals("read committed", YamlRenderer.scalar("read committed"));
        assertEquals("true", YamlRenderer.scalar(true));
        assertEquals("0", YamlRenderer.scalar(0));
        assertEquals("\"a\\nb\"", YamlRenderer.scalar("a\nb"));
    }

    @Test
    void everyRenderedValueLoadsBackEqual() {
        Yaml yaml = new Yaml();
        for (String s : new String[] {"p@ss'w\"o:rd #1", "  lead", "trail ", "%x", "&anchor", "*alias", "- dash", "? q", "{}", "[x]",
                "on", "~", "0x1F", "1:20", "1e3", ".inf", "tab\there", "back\\slash", "ünïcode", "!tag", "|", ">"}) {
            Object back = ((Map<?, ?>) yaml.load("k: " + YamlRenderer.scalar(s))).get("k");
            assertEquals(s, back, "round trip of " + s);
        }
    }
}
