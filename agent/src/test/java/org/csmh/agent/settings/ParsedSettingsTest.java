package org.csmh.agent.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.csmh.agent.util.PreconditionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lms.yml read through LmsSettingsEditor.read: parsed once while unchanged, again after any kind of change. */
class ParsedSettingsTest {
    @TempDir
    Path dir;

    private LmsSettingsEditor editor(Path lms) {
        return new LmsSettingsEditor(lms, null, Clock.systemUTC());
    }

    @Test
    void unchangedFileIsParsedOnceAndItsValuesAreReadOnly() throws IOException {
        Path lms = dir.resolve("lms.yml");
        Files.writeString(lms, "A: 1\nFEATURES:\n  X: true\nL:\n- a\n");
        LmsSettingsEditor e = editor(lms);
        Map<String, Object> first = e.read(lms);
        assertSame(first, e.read(lms));
        assertEquals(Map.of("X", true), first.get("FEATURES"));
        assertThrows(UnsupportedOperationException.class, () -> first.put("B", 2));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<String, Object>) first.get("FEATURES")).put("Y", false));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) first.get("L")).add("b"));
    }

    @Test
    void inPlaceEditOfTheSameSizeIsSeen() throws IOException {
        Path lms = dir.resolve("lms.yml");
        Files.writeString(lms, "A: 1\n");
        FileTime before = Files.getLastModifiedTime(lms);
        LmsSettingsEditor e = editor(lms);
        assertEquals(1, e.read(lms).get("A"));
        Files.writeString(lms, "A: 2\n"); // same inode, same size
        Files.setLastModifiedTime(lms, FileTime.fromMillis(before.toMillis() + 1000));
        assertEquals(2, e.read(lms).get("A"));
    }

    @Test
    void atomicReplaceIsSeenEvenWithTheSameSizeAndTime() throws IOException {
        Path lms = dir.resolve("lms.yml");
        Files.writeString(lms, "A: 1\n");
        LmsSettingsEditor e = editor(lms);
        Map<String, Object> first = e.read(lms);
        Path temp = dir.resolve("lms.yml.new");
        Files.writeString(temp, "A: 3\n");
        Files.setLastModifiedTime(temp, Files.getLastModifiedTime(lms));
        Files.move(temp, lms, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Map<String, Object> second = e.read(lms);
        assertNotSame(first, second);
        assertEquals(3, second.get("A"));
    }

    @Test
    void brokenOrMissingFileIsReportedAtEveryRead() throws IOException {
        Path lms = dir.resolve("lms.yml");
        Files.writeString(lms, "A: 1\n");
        LmsSettingsEditor e = editor(lms);
        e.read(lms);
        Files.writeString(lms, "A: [unclosed\n");
        Files.setLastModifiedTime(lms, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        for (int i = 0; i < 2; i++) {
            assertThrows(RuntimeException.class, () -> e.read(lms));
        }
        Files.delete(lms);
        PreconditionException gone = assertThrows(PreconditionException.class, () -> e.read(lms));
        assertEquals(lms + " does not exist", gone.getMessage());
    }
}
