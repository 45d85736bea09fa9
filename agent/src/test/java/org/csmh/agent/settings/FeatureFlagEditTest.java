package org.csmh.agent.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The CSMH flags where a flattened-settings lms.yml keeps them: top-level, under FEATURES, or (disagreeing) both. */
class FeatureFlagEditTest {
    private static final String DATABASES = "DATABASES:\n    default:\n        NAME: edxapp\n        PASSWORD: x\n        USER: edxapp001\n";
    @TempDir
    Path dir;

    private Map<?, ?> edit(String text, Boolean extended, Boolean multi) throws Exception {
        Path lms = dir.resolve("lms.yml");
        Files.writeString(lms, text);
        new LmsSettingsEditor(lms, null, Clock.systemUTC()).apply(new SettingsChange(null, extended, multi, false, false));
        return new Yaml().load(Files.readString(lms));
    }

    @Test
    void aTopLevelFlagIsEditedWhereItIs() throws Exception {
        Map<?, ?> doc = edit(DATABASES + "ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true\nFEATURES:\n    OTHER: 1\n", null, false);
        assertEquals(false, doc.get("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"));
        assertEquals(Map.of("OTHER", 1), doc.get("FEATURES"), "not added under FEATURES as well");
        assertEquals(FeatureFlag.Place.TOP_LEVEL, FeatureFlag.read(cast(doc), FeatureFlag.READ_MULTIPLE).place());
    }

    @Test
    void aFlagUnderFeaturesOrNowhereGoesUnderFeatures() throws Exception {
        Map<?, ?> doc = edit(DATABASES + "FEATURES:\n    ENABLE_CSMH_EXTENDED: false\n", true, false);
        assertEquals(Map.of("ENABLE_CSMH_EXTENDED", true, "ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES", false), doc.get("FEATURES"));
        assertTrue(!doc.containsKey("ENABLE_CSMH_EXTENDED"));
    }

    @Test
    void bothPlacesAgreeingAreEditedTogether() throws Exception {
        Map<?, ?> doc = edit(DATABASES + "ENABLE_CSMH_EXTENDED: false\nFEATURES:\n    ENABLE_CSMH_EXTENDED: false\n", true, null);
        assertEquals(true, doc.get("ENABLE_CSMH_EXTENDED"));
        assertEquals(Map.of("ENABLE_CSMH_EXTENDED", true), doc.get("FEATURES"));
    }

    @Test
    void bothPlacesDisagreeingAreSetToTheRequestedValue() throws Exception {
        String text = DATABASES + "ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false\nFEATURES:\n    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true\n";
        FeatureFlag read = FeatureFlag.read(cast(new Yaml().load(text)), FeatureFlag.READ_MULTIPLE);
        assertEquals(FeatureFlag.Place.BOTH, read.place());
        assertTrue(read.conflict().contains("false at the top level but true under FEATURES"), read.conflict());
        assertEquals(true, read.effective(), "FEATURES wins, as edx-platform applies it over the top-level settings");
        assertEquals(FeatureFlag.Source.FEATURES, read.source());
        Path lms = dir.resolve("lms.yml");
        Files.writeString(lms, text);
        SettingsResult r = new LmsSettingsEditor(lms, null, Clock.systemUTC()).apply(new SettingsChange(null, null, false, false, false));
        String diff = r.files().get(0).diff();
        assertTrue(diff.contains("+    ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false"), diff);
        Map<?, ?> doc = new Yaml().load(Files.readString(lms));
        assertEquals(false, doc.get("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES"));
        assertEquals(Map.of("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES", false), doc.get("FEATURES"));
        assertEquals(null, FeatureFlag.read(cast(doc), FeatureFlag.READ_MULTIPLE).conflict());
    }

    @Test
    void anAbsentFlagIsEdxPlatformsDefault() {
        FeatureFlag absent = FeatureFlag.read(cast(new Yaml().load(DATABASES)), FeatureFlag.CSMH_EXTENDED);
        assertEquals(true, absent.effective());
        assertEquals(FeatureFlag.Source.DEFAULT, absent.source());
        FeatureFlag top = FeatureFlag.read(cast(new Yaml().load(DATABASES + "ENABLE_CSMH_EXTENDED: false\n")), FeatureFlag.CSMH_EXTENDED);
        assertEquals(false, top.effective());
        assertEquals(FeatureFlag.Source.TOP_LEVEL, top.source());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object doc) {
        return (Map<String, Object>) doc;
    }
}
