package org.csmh.agent.settings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.csmh.agent.util.IoErrors;
import org.csmh.agent.util.PreconditionException;

/**
 * Sets DATABASES.student_module_history and the two CSMH feature flags in lms.yml (and cms.yml), editing only
 * the lines of the nodes that change. Every edit is proven before it is written: the new text must load to
 * exactly the old values plus the requested ones.
 */
public final class LmsSettingsEditor {
    private static final Logger LOG = Logger.getLogger(LmsSettingsEditor.class.getName());
    static final String ENGINE = "django.db.backends.mysql";

    private final Path lmsYml;
    private final Path cmsYml;
    private final AtomicFileReplacer replacer;

    public LmsSettingsEditor(Path lmsYml, Path cmsYml, Clock clock) {
        this.lmsYml = lmsYml;
        this.cmsYml = cmsYml;
        this.replacer = new AtomicFileReplacer(clock);
    }

    private record Planned(Path path, byte[] original, YamlPatcher.Result result, String diff) {
    }

    public synchronized SettingsResult apply(SettingsChange change) {
        if (lmsYml == null) {
            throw new PreconditionException("the agent has no lms_yml configured");
        }
        List<Path> files = new ArrayList<>(List.of(lmsYml));
        if (cmsYml != null && change.includeCms()) {
            files.add(cmsYml);
        }
        // Plan every file before writing any, so a malformed cms.yml leaves lms.yml untouched too.
        List<Planned> plans = new ArrayList<>();
        for (Path file : files) {
            plans.add(plan(file, change));
        }
        List<SettingsResult.FileResult> results = new ArrayList<>();
        for (Planned p : plans) {
            String backup = "";
            if (!change.dryRun() && p.result().changed()) {
                try {
                    backup = replacer.replace(p.path(), p.original(), p.result().text()).toString();
                } catch (IOException e) {
                    throw new PreconditionException("could not write " + p.path() + " (left as it was): " + IoErrors.describe(e), e);
                }
                LOG.info("event=settings_written file=" + p.path() + " backup=" + backup);
            }
            results.add(new SettingsResult.FileResult(p.path().toString(), p.result().changed(), p.diff(), backup));
        }
        Map<String, String> overrides = AnsibleOverrides.from(plans.get(0).result().expected());
        boolean changed = plans.stream().anyMatch(p -> p.result().changed());
        return new SettingsResult(changed, results, overrides, change.dryRun());
    }

    /** Reads a settings file for status checks; empty map when not configured. */
    public Map<String, Object> read(Path file) {
        return YamlDocument.parse(file.toString(), decode(file, readBytes(file))).value();
    }

    public Path lmsYml() {
        return lmsYml;
    }

    public Path cmsYml() {
        return cmsYml;
    }

    private Planned plan(Path file, SettingsChange change) {
        byte[] bytes = readBytes(file);
        String text = decode(file, bytes);
        YamlDocument doc = YamlDocument.parse(file.toString(), text);
        SettingsChange.CsmhDatabase db = null;
        if (change.database() != null) {
            // DATABASES replaces Django's whole dict, so creating it here would drop 'default'.
            if (!(doc.value().get("DATABASES") instanceof Map<?, ?> dbs)) {
                throw new PreconditionException(file + " has no DATABASES mapping; refusing to create one without 'default'");
            }
            if (!dbs.containsKey("default")) {
                throw new PreconditionException(file + ": DATABASES has no 'default' entry; refusing to edit");
            }
            db = change.resolveIn(dbs.get("student_module_history") instanceof Map<?, ?> m ? m : null,
                    dbs.get("default") instanceof Map<?, ?> d ? d : null, file.toString());
        }
        Map<String, Object> patch = patch(db, change);
        YamlPatcher.Result result = new YamlPatcher(doc).apply(patch);
        if (result.changed()) {
            Map<String, Object> reloaded = YamlDocument.parse(file.toString(), result.text()).value();
            if (!reloaded.equals(result.expected())) {
                throw new IllegalStateException("edit of " + file + " would change more than the requested keys; nothing written");
            }
        }
        String diff = SecretMasker.mask(UnifiedDiff.diff(file.toString(), file.toString(), text, result.text()));
        return new Planned(file, bytes, result, diff);
    }

    private static Map<String, Object> patch(SettingsChange.CsmhDatabase db, SettingsChange change) {
        Map<String, Object> patch = new LinkedHashMap<>();
        if (db != null) {
            Map<String, Object> smh = new LinkedHashMap<>();
            smh.put("CONN_MAX_AGE", db.connMaxAge());
            smh.put("ENGINE", ENGINE);
            smh.put("HOST", db.host());
            smh.put("NAME", db.name());
            smh.put("OPTIONS", new Literal(new LinkedHashMap<>(db.options())));
            smh.put("PASSWORD", db.password());
            // The configuration repo renders EDXAPP_MYSQL_PORT as a string.
            smh.put("PORT", Integer.toString(db.port()));
            smh.put("USER", db.user());
            patch.put("DATABASES", Map.of("student_module_history", smh));
        }
        Map<String, Object> features = new LinkedHashMap<>();
        if (change.enableCsmhExtended() != null) {
            features.put("ENABLE_CSMH_EXTENDED", change.enableCsmhExtended());
        }
        if (change.readFromMultipleTables() != null) {
            features.put("ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES", change.readFromMultipleTables());
        }
        if (!features.isEmpty()) {
            patch.put("FEATURES", features);
        }
        return patch;
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PreconditionException(file + " does not exist");
        } catch (IOException e) {
            throw new PreconditionException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    private static String decode(Path file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PreconditionException(file + " is not valid UTF-8");
        }
    }
}
