package org.csmh.agent.settings;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Masks secrets in lms.yml text so a diff can be shown or logged: lms.yml holds SECRET_KEY, AWS keys and other
 * services' passwords next to what we edit. Masking is by YAML node, not by line: the value of every key that looks
 * secret is replaced where the parser says it starts and ends, so flow style ({PASSWORD: x}), quoted and folded
 * multi-line values are covered as well as block style. A secret that changed is shown as changed, never in clear.
 * Text that does not parse is masked line by line (the old rule), which is all a broken file allows.
 */
final class SecretMasker {
    static final String MASK = "********";
    static final String CHANGED = MASK + "  # changed";
    /** What makes a key secret, for both rules below. */
    private static final String SECRET_WORDS = "password|passwd|secret|token|_key|apikey|api_key|credential|jwk|private";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(" + SECRET_WORDS + ").*");
    private static final Pattern SECRET_LINE = Pattern.compile(
            "^([-+ ]?\\s*['\"]?[A-Za-z0-9_.-]*(?i:" + SECRET_WORDS + ")[A-Za-z0-9_.-]*['\"]?\\s*:\\s*)(\\S.*)$");

    private SecretMasker() {
    }

    /** A unified diff of two versions of a file with every secret masked in both. */
    static String diff(String name, String before, String after) {
        Map<String, String> old = new LinkedHashMap<>();
        String a = mask(before, old, null);
        String b = mask(after, new LinkedHashMap<>(), old);
        return UnifiedDiff.diff(name, name, a, b);
    }

    static String mask(String text) {
        return mask(text, new LinkedHashMap<>(), null);
    }

    /** One secret scalar: where it is in the text (char offsets) and what it says, under its key path. */
    private record Secret(String path, int start, int end, String value) {
    }

    /**
     * @param seen filled with path -> value of every secret found
     * @param before the other version's secrets; a path whose value differs from it is masked as changed
     */
    private static String mask(String text, Map<String, String> seen, Map<String, String> before) {
        List<Secret> secrets = new ArrayList<>();
        try {
            int doc = 0;
            for (Node root : new Yaml(new LoaderOptions()).composeAll(new StringReader(text))) {
                walk(root, "#" + doc++, false, secrets, Collections.newSetFromMap(new IdentityHashMap<>()), text);
            }
        } catch (RuntimeException e) {
            return byLine(text);
        }
        secrets.sort((x, y) -> Integer.compare(y.start(), x.start()));
        StringBuilder out = new StringBuilder(text);
        int lastStart = Integer.MAX_VALUE;
        for (Secret s : secrets) {
            seen.put(s.path(), s.value());
            if (s.end() > lastStart) {
                continue;   // the same text twice (an anchored value under two keys): masked once
            }
            boolean changed = before != null && !s.value().equals(before.get(s.path()));
            String span = text.substring(s.start(), s.end());
            // Keep the line breaks that end a block scalar's span, so the next key stays on its own line.
            int keep = span.length();
            while (keep > 0 && (span.charAt(keep - 1) == '\n' || span.charAt(keep - 1) == '\r')) {
                keep--;
            }
            out.replace(s.start(), s.start() + keep, changed ? CHANGED : MASK);
            lastStart = s.start();
        }
        return out.toString();
    }

    private static void walk(Node node, String path, boolean secret, List<Secret> out, Set<Node> visited, String text) {
        if (!(node instanceof ScalarNode) && !visited.add(node)) {
            return;   // an alias of a collection already walked (aliases can make cycles)
        }
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                walk(t.getValueNode(), path + "/" + key, secret || SECRET_KEY.matcher(key).matches(), out, visited, text);
            }
        } else if (node instanceof SequenceNode s) {
            int i = 0;
            for (Node item : s.getValue()) {
                walk(item, path + "/" + i++, secret, out, visited, text);
            }
        } else if (secret && node instanceof ScalarNode scalar && node.getStartMark() != null && node.getEndMark() != null) {
            int start = charOffset(text, node.getStartMark().getIndex());
            int end = charOffset(text, node.getEndMark().getIndex());
            if (start < end) {
                out.add(new Secret(path, start, end, scalar.getValue()));
            }
        }
    }

    /** The parser counts code points; Java strings count UTF-16 units. */
    private static int charOffset(String text, int codePoints) {
        return text.offsetByCodePoints(0, Math.min(codePoints, text.codePointCount(0, text.length())));
    }

    private static String byLine(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = SECRET_LINE.matcher(line);
            out.append(m.matches() ? m.group(1) + MASK : line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }
}
