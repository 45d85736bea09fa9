package org.csmh.agent.settings;

import java.io.StringReader;
import java.util.Map;
import java.util.Optional;
import org.csmh.agent.util.PreconditionException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** One YAML file's text with its node tree (for positions) and its loaded value (for meaning). */
final class YamlDocument {
    private final String path;
    private final String text;
    private final MappingNode root;
    private final Map<String, Object> value;

    private YamlDocument(String path, String text, MappingNode root, Map<String, Object> value) {
        this.path = path;
        this.text = text;
        this.root = root;
        this.value = value;
    }

    @SuppressWarnings("unchecked")
    static YamlDocument parse(String path, String text) {
        try {
            Node node = yaml().compose(new StringReader(text));
            Object loaded = yaml().load(text);
            if (!(node instanceof MappingNode mapping) || !(loaded instanceof Map<?, ?>)) {
                throw new PreconditionException(path + " is not a YAML mapping at the top level");
            }
            return new YamlDocument(path, text, mapping, (Map<String, Object>) loaded);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            throw new PreconditionException(path + " is not valid YAML" + where + ": " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new PreconditionException(path + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(64 * 1024 * 1024);
        return new Yaml(new SafeConstructor(options), new org.yaml.snakeyaml.representer.Representer(
                new org.yaml.snakeyaml.DumperOptions()), new org.yaml.snakeyaml.DumperOptions(), options);
    }

    String path() {
        return path;
    }

    String text() {
        return text;
    }

    MappingNode root() {
        return root;
    }

    Map<String, Object> value() {
        return value;
    }

    static Optional<NodeTuple> entry(MappingNode mapping, String key) {
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** SnakeYAML marks count code points; Java strings count UTF-16 chars. */
    int offset(Mark mark) {
        return text.offsetByCodePoints(0, mark.getIndex());
    }

    int lineStart(int offset) {
        return text.lastIndexOf('\n', offset - 1) + 1;
    }

    /** The offset just past the end of the line holding {@code offset}, or offset itself when it starts a line. */
    int endOfLine(int offset) {
        if (offset == 0 || offset >= text.length() || text.charAt(offset - 1) == '\n') {
            return Math.min(offset, text.length());
        }
        int nl = text.indexOf('\n', offset);
        return nl < 0 ? text.length() : nl + 1;
    }
}
