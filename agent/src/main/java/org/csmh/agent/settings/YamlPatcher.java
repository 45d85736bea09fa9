package org.csmh.agent.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.csmh.agent.util.PreconditionException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Merges a patch (nested maps; leaves are scalars or {@link Literal} mappings) into a YAML document by editing only
 * the lines of the nodes that change. Also computes the value the edited document must load to, so the caller can
 * prove that nothing else moved.
 */
final class YamlPatcher {
    private final YamlDocument doc;
    private final YamlRenderer renderer;
    private final List<TextEdit> edits = new ArrayList<>();
    private int sequence;

    YamlPatcher(YamlDocument doc) {
        this.doc = doc;
        this.renderer = new YamlRenderer(detectIndent(doc.root()));
    }

    record Result(String text, Map<String, Object> expected, boolean changed) {
    }

    @SuppressWarnings("unchecked")
    Result apply(Map<String, Object> patch) {
        Map<String, Object> expected = (Map<String, Object>) deepCopy(doc.value());
        if (isFlow(doc.root())) {
            throw new PreconditionException(doc.path() + ": the top-level mapping is in flow style; refusing to edit");
        }
        patchBlockMapping(doc.root(), patch, expected, "");
        String text = edits.isEmpty() ? doc.text() : TextEdit.apply(doc.text(), edits);
        return new Result(text, expected, !edits.isEmpty());
    }

    @SuppressWarnings("unchecked")
    private void patchBlockMapping(MappingNode mapping, Map<String, Object> patch, Map<String, Object> expected, String path) {
        for (Map.Entry<String, Object> p : new TreeMap<>(patch).entrySet()) {
            String key = p.getKey();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            Object want = p.getValue();
            NodeTuple tuple = YamlDocument.entry(mapping, key).orElse(null);
            Object have = expected.get(key);
            if (tuple == null) {
                insertEntry(mapping, key, toRenderable(want));
                expected.put(key, toPlain(want));
            } else if (isAlias(tuple) && !looselyEqualDeep(have, want)) {
                throw new PreconditionException(doc.path() + ": " + keyPath + " is a YAML alias (*name) of a value defined elsewhere in"
                        + " the file; changing it here would change that value too. Replace the alias with the values themselves,"
                        + " then run again (nothing was written)");
            } else if (want instanceof Map<?, ?> subPatch) {
                Node valueNode = tuple.getValueNode();
                if (valueNode instanceof MappingNode m && !m.getValue().isEmpty() && !isFlow(m)) {
                    patchBlockMapping(m, (Map<String, Object>) subPatch, (Map<String, Object>) have, keyPath);
                } else if (valueNode instanceof MappingNode || isNull(valueNode)) {
                    // '{}', a flow mapping or an empty value: rewrite this one value as a block holding the merge.
                    Map<String, Object> merged = have instanceof Map<?, ?> h ? (Map<String, Object>) deepCopy(h) : new LinkedHashMap<>();
                    mergePlain(merged, (Map<String, Object>) subPatch);
                    if (!merged.equals(have)) {
                        replaceValue(tuple, merged);
                        expected.put(key, merged);
                    }
                } else {
                    throw new PreconditionException(doc.path() + ": " + keyPath + " is not a mapping; refusing to edit");
                }
            } else if (!looselyEqual(have, want)) {
                if (tuple.getValueNode() instanceof MappingNode || tuple.getValueNode() instanceof SequenceNode) {
                    if (!(want instanceof Literal)) {
                        throw new PreconditionException(doc.path() + ": " + keyPath + " is a collection, expected a scalar");
                    }
                }
                replaceValue(tuple, toRenderable(want));
                expected.put(key, toPlain(want));
            }
        }
    }

    private void insertEntry(MappingNode mapping, String key, Object value) {
        List<NodeTuple> tuples = mapping.getValue();
        int column = tuples.get(0).getKeyNode().getStartMark().getColumn();
        int at = -1;
        for (NodeTuple t : tuples) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().compareTo(key) > 0) {
                at = doc.lineStart(doc.offset(t.getKeyNode().getStartMark()));
                break;
            }
        }
        if (at < 0) {
            at = doc.endOfLine(doc.offset(lastLeaf(tuples.get(tuples.size() - 1).getValueNode()).getEndMark()));
        }
        String text = renderer.entry(key, value, column);
        if (at == doc.text().length() && !doc.text().isEmpty() && !doc.text().endsWith("\n")) {
            text = "\n" + text;
        }
        edits.add(new TextEdit(at, at, text, sequence++));
    }

    /**
     * SnakeYAML composes an alias as the anchored node itself, so its position is the anchor's, earlier in the file
     * than the key it stands under: editing "its" text would edit the anchor's value instead.
     */
    private static boolean isAlias(NodeTuple tuple) {
        return tuple.getValueNode().getStartMark().getIndex() < tuple.getKeyNode().getEndMark().getIndex();
    }

    /** Whether the patch leaves this value as it is (a mapping patch merged into it changes nothing). */
    @SuppressWarnings("unchecked")
    private static boolean looselyEqualDeep(Object have, Object want) {
        if (want instanceof Map<?, ?> patch && have instanceof Map<?, ?> h) {
            Map<String, Object> merged = (Map<String, Object>) deepCopy(h);
            mergePlain(merged, (Map<String, Object>) patch);
            return merged.equals(h);
        }
        return looselyEqual(have, want);
    }

    /** Rewrites from the end of the key to the end of the value's last line: ": v\n" or ":\n  block\n". */
    private void replaceValue(NodeTuple tuple, Object value) {
        int start = doc.offset(tuple.getKeyNode().getEndMark());
        int end = doc.endOfLine(doc.offset(lastLeaf(tuple.getValueNode()).getEndMark()));
        int column = tuple.getKeyNode().getStartMark().getColumn();
        String text = renderer.afterKey(value, column);
        if (end == doc.text().length() && !doc.text().endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        edits.add(new TextEdit(start, end, text, sequence++));
    }

    private static Node lastLeaf(Node node) {
        if (node instanceof MappingNode m && !m.getValue().isEmpty() && !isFlow(m)) {
            return lastLeaf(m.getValue().get(m.getValue().size() - 1).getValueNode());
        }
        if (node instanceof SequenceNode s && !s.getValue().isEmpty() && !isFlow(s)) {
            return lastLeaf(s.getValue().get(s.getValue().size() - 1));
        }
        return node;
    }

    private static boolean isFlow(Node node) {
        return (node instanceof MappingNode m && m.getFlowStyle() == DumperOptions.FlowStyle.FLOW)
                || (node instanceof SequenceNode s && s.getFlowStyle() == DumperOptions.FlowStyle.FLOW);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue());
    }

    /**
     * Booleans must match in type (a quoted 'false' is a truthy string to Django); other scalars compare by text so
     * PORT: 3306 and PORT: '3306' count as the same and are left alone.
     */
    static boolean looselyEqual(Object have, Object want) {
        if (want instanceof Literal lit) {
            return have instanceof Map<?, ?> h && h.size() == lit.map().size()
                    && lit.map().entrySet().stream().allMatch(e -> h.containsKey(e.getKey()) && looselyEqual(h.get(e.getKey()), e.getValue()));
        }
        if (want instanceof Boolean || have instanceof Boolean) {
            return Objects.equals(have, want);
        }
        if (have == null || want == null) {
            return have == want;
        }
        return !(have instanceof Map<?, ?>) && !(have instanceof List<?>) && have.toString().equals(want.toString());
    }

    @SuppressWarnings("unchecked")
    private static void mergePlain(Map<String, Object> target, Map<String, Object> patch) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> sub && target.get(e.getKey()) instanceof Map<?, ?> existing) {
                mergePlain((Map<String, Object>) existing, (Map<String, Object>) sub);
            } else if (!looselyEqual(target.get(e.getKey()), e.getValue())) {
                target.put(e.getKey(), toPlain(e.getValue()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object toRenderable(Object value) {
        if (value instanceof Literal lit) {
            return lit.map();
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> out.put(k, toRenderable(v)));
            return out;
        }
        return value;
    }

    /** The value as the loader will give it back. */
    @SuppressWarnings("unchecked")
    private static Object toPlain(Object value) {
        if (value instanceof Literal lit) {
            return toPlain(lit.map());
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> out.put(k, toPlain(v)));
            return out;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> out.put(k, deepCopy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l.stream().map(YamlPatcher::deepCopy).toList());
        }
        return value;
    }

    /** The document's own indent step: child key column minus parent key column of the first nested block. */
    private static int detectIndent(MappingNode root) {
        for (NodeTuple t : root.getValue()) {
            if (t.getValueNode() instanceof MappingNode m && !m.getValue().isEmpty() && !isFlow(m)) {
                int step = m.getValue().get(0).getKeyNode().getStartMark().getColumn() - t.getKeyNode().getStartMark().getColumn();
                if (step > 0) {
                    return step;
                }
            }
        }
        return 4;
    }
}
