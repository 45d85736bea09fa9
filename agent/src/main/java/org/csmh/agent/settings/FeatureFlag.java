package org.csmh.agent.settings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One of the two CSMH flags as lms.yml sets it. edx-platform flattened FEATURES into top-level settings; its
 * production settings make every top-level key a setting, then apply a YAML FEATURES block over them, so a file may
 * set a flag at the top level, under FEATURES, or both, and where both do, FEATURES wins; an absent flag is true
 * (both default to True). Reading reports the effective value and where it comes from, and a disagreement between
 * the two places (a file that says two things is a finding, whatever wins); an edit changes the flag where the file
 * sets it (both places when both do, so a disagreement is settled to the requested value; FEATURES when neither:
 * what the configuration role renders).
 */
public record FeatureFlag(String name, Object value, Place place, String conflict, Object featuresValue) {
    public static final String CSMH_EXTENDED = "ENABLE_CSMH_EXTENDED";
    public static final String READ_MULTIPLE = "ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES";

    public enum Place {
        ABSENT("not set"), TOP_LEVEL("top-level"), FEATURES("under FEATURES"), BOTH("top-level and under FEATURES");

        private final String words;

        Place(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    public static FeatureFlag read(Map<String, Object> doc, String name) {
        boolean top = doc.containsKey(name);
        Map<?, ?> features = doc.get("FEATURES") instanceof Map<?, ?> f ? f : Map.of();
        boolean inFeatures = features.containsKey(name);
        Object topValue = doc.get(name);
        Object featureValue = features.get(name);
        if (top && inFeatures) {
            String conflict = java.util.Objects.equals(topValue, featureValue) ? null
                    : name + " is " + topValue + " at the top level but " + featureValue + " under FEATURES";
            return new FeatureFlag(name, topValue, Place.BOTH, conflict, featureValue);
        }
        return top ? new FeatureFlag(name, topValue, Place.TOP_LEVEL, null, null)
                : new FeatureFlag(name, featureValue, inFeatures ? Place.FEATURES : Place.ABSENT, null, featureValue);
    }

    /** Where the effective value comes from, as edx-platform reads the file. */
    public enum Source {
        FEATURES, TOP_LEVEL, DEFAULT;

        public String words() {
            return switch (this) {
                case FEATURES -> "from FEATURES";
                case TOP_LEVEL -> "top-level";
                case DEFAULT -> "edx-platform's default";
            };
        }
    }

    /** Where the value edx-platform runs with comes from: FEATURES over the top level, else the default (true). */
    public Source source() {
        return switch (place) {
            case FEATURES, BOTH -> Source.FEATURES;
            case TOP_LEVEL -> Source.TOP_LEVEL;
            case ABSENT -> Source.DEFAULT;
        };
    }

    /** The value edx-platform runs with (a YAML boolean, or whatever the file holds; true where absent). */
    public Object effective() {
        return switch (source()) {
            case FEATURES -> featuresValue;
            case TOP_LEVEL -> value;
            case DEFAULT -> Boolean.TRUE;
        };
    }

    /** "FEATURES.X = v", "X = v (top-level)", for messages. */
    public String describe() {
        return switch (place) {
            case ABSENT -> name + " is not set";
            case TOP_LEVEL -> name + " is " + value + " (top-level)";
            case FEATURES -> "FEATURES." + name + " is " + value;
            case BOTH -> conflict != null ? conflict : name + " is " + value + " (top-level and under FEATURES)";
        };
    }

    /** Adds the edit of this flag to value into patch, where the file sets it (both places when both do). */
    void patchTo(Map<String, Object> patch, boolean newValue, String file) {
        if (place == Place.TOP_LEVEL || place == Place.BOTH) {
            patch.put(name, newValue);
        }
        if (place == Place.FEATURES || place == Place.BOTH || place == Place.ABSENT) {
            @SuppressWarnings("unchecked")
            Map<String, Object> features = (Map<String, Object>) patch.computeIfAbsent("FEATURES", k -> new LinkedHashMap<String, Object>());
            features.put(name, newValue);
        }
    }
}
