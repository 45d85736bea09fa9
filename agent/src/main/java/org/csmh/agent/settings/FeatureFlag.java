package org.csmh.agent.settings;

import java.util.LinkedHashMap;
import java.util.Map;
import org.csmh.agent.util.PreconditionException;

/**
 * One of the two CSMH flags as lms.yml sets it. edx-platform flattened FEATURES into top-level settings (PR #37067,
 * DEPR #37396); a production shim still maps a YAML FEATURES block onto them, so a file may set a flag at the top
 * level, under FEATURES, or both. Reading looks in both places; an edit changes the flag where the file already sets
 * it (both places when both do, FEATURES when neither: what the configuration role renders); when the two places
 * disagree nobody can say which the running release honours, so reading reports the conflict and editing refuses.
 */
public record FeatureFlag(String name, Object value, Place place, String conflict) {
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
            return new FeatureFlag(name, topValue, Place.BOTH, conflict);
        }
        return top ? new FeatureFlag(name, topValue, Place.TOP_LEVEL, null)
                : new FeatureFlag(name, featureValue, inFeatures ? Place.FEATURES : Place.ABSENT, null);
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

    /** Adds the edit of this flag to value into patch, where the file sets it. */
    void patchTo(Map<String, Object> patch, boolean newValue, String file) {
        if (conflict != null) {
            throw new PreconditionException(file + ": " + conflict + "; which one the running release honours cannot be told."
                    + " Remove one of them, then set the flag again");
        }
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
