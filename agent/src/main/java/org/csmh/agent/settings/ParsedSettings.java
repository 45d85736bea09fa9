package org.csmh.agent.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The last parse of each settings file, reused while the file is the same one, unchanged: same file key (device and
 * inode: an atomic replace, ours or Ansible's, is a new file), size and modification time. Every job start resolves
 * its endpoints through lms.yml and Ansible polls GetStatus; a 1,300-line lms.yml (three DATABASES, a thousand
 * settings) takes some 2 ms to parse each time. Values are read-only, shared by every caller. A file that fails to parse is not remembered: each
 * read reports the error again.
 */
final class ParsedSettings {
    private record Parsed(Object fileKey, long size, FileTime modified, Map<String, Object> value) {
        boolean sameFile(BasicFileAttributes a) {
            return fileKey != null && fileKey.equals(a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
        }
    }

    private final Map<Path, Parsed> last = new ConcurrentHashMap<>();

    /**
     * {@code file}'s settings: remembered ones if it has not changed, else {@code parse}'s. Attributes are read
     * before the content, so a change made while it is parsed shows as a change at the next read.
     */
    Map<String, Object> read(Path file, Function<Path, Map<String, Object>> parse) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            last.remove(file);
            return parse.apply(file); // which says what is wrong with the file
        }
        Parsed known = last.get(file);
        if (known != null && known.sameFile(attributes)) {
            return known.value();
        }
        Map<String, Object> value = readOnly(parse.apply(file));
        last.put(file, new Parsed(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), value));
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <T> T readOnly(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, readOnly(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(readOnly(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }
}
