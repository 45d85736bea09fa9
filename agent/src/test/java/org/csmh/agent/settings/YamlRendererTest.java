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

    /** Byte for byte what PyYAML (the library under to_nice_yaml) writes, for values an lms.yml edit may carry. */
    @Test
    void scalarsAreWrittenAsPyYamlWritesThem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")));
        String[] values = {"SET sql_mode=\"STRICT_TRANS_TABLES\"", "p\"w'x: #1", "a#b", "a #b", "x:", "x:y", "-x", "- x", "?x", ":x", "a, b",
            "[x", "x]", "{a}", "read committed", "ünïcode", "@x", "`x", "a%b", "%x", "3306", "yes", "", " lead", "trail ", "a\tb", "---x",
            "...", "db.internal", "127.0.0.1", "SET NAMES utf8mb4", "utf8mb4_unicode_ci", "x!y", "x|y", "x>y", "a'b", "~", "null"};
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            json.append(i == 0 ? "" : ",").append(AnsibleOverrides.JsonLiteral.of(values[i]));
        }
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", "import json, sys, yaml\n"
                + "for v in json.load(sys.stdin):\n"
                + "    print(json.dumps(yaml.dump({'k': v}, default_flow_style=False, allow_unicode=True)[3:].rstrip('\\n')))");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(json.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        java.util.List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "no PyYAML here");
        Yaml yaml = new Yaml();
        for (int i = 0; i < values.length; i++) {
            String pyyaml = (String) yaml.load(lines.get(i));   // a JSON string is YAML
            assertEquals(pyyaml, YamlRenderer.scalar(values[i]), "as PyYAML writes " + values[i]);
        }
    }
}
