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
    private final ParsedSettings parsed = new ParsedSettings();

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
        Map<Planned, String> backups = change.dryRun() ? Map.of() : writeAll(plans);
        List<SettingsResult.FileResult> results = new ArrayList<>();
        for (Planned p : plans) {
            results.add(new SettingsResult.FileResult(p.path().toString(), p.result().changed(), p.diff(), backups.getOrDefault(p, "")));
        }
        Map<String, Object> lms = plans.get(0).result().expected();
        Map<String, Object> overrides = AnsibleOverrides.from(lms);
        boolean changed = plans.stream().anyMatch(p -> p.result().changed());
        List<String> nextDeploy = new ArrayList<>(AnsibleOverrides.nextDeployChanges(lms));
        nextDeploy.addAll(AnsibleOverrides.topLevelFlags(lms, "lms.yml", "EDXAPP_LMS_ENV_EXTRA"));
        if (plans.size() > 1) {
            nextDeploy.addAll(AnsibleOverrides.topLevelFlags(plans.get(1).result().expected(), "studio.yml", "EDXAPP_CMS_ENV_EXTRA"));
        }
        return new SettingsResult(changed, results, AnsibleOverrides.text(overrides), AnsibleOverrides.json(overrides),
                nextDeploy, change.dryRun());
    }

    /**
     * lms.yml and studio.yml change together or not at all: every new file is staged (backup and temp file written)
     * before any is renamed into place, and if a rename fails the files already renamed get their old content back.
     */
    private Map<Planned, String> writeAll(List<Planned> plans) {
        List<Planned> changed = plans.stream().filter(p -> p.result().changed()).toList();
        Map<Planned, AtomicFileReplacer.Staged> staged = new LinkedHashMap<>();
        try {
            for (Planned p : changed) {
                staged.put(p, replacer.stage(p.path(), p.original(), p.result().text()));
            }
        } catch (IOException e) {
            staged.values().forEach(replacer::abort);
            throw new PreconditionException("could not write " + failed(changed, staged) + " (left as it was): " + IoErrors.describe(e), e);
        }
        List<AtomicFileReplacer.Staged> committed = new ArrayList<>();
        for (Map.Entry<Planned, AtomicFileReplacer.Staged> e : staged.entrySet()) {
            try {
                replacer.commit(e.getValue());
                committed.add(e.getValue());
            } catch (IOException failure) {
                String restored = restore(committed);
                staged.values().stream().filter(x -> !committed.contains(x)).forEach(replacer::abort);
                throw new PreconditionException("could not write " + e.getKey().path() + ": " + IoErrors.describe(failure) + restored, failure);
            }
        }
        Map<Planned, String> backups = new LinkedHashMap<>();
        staged.forEach((p, s) -> {
            backups.put(p, s.backup().toString());
            LOG.info("event=settings_written file=" + p.path() + " backup=" + s.backup());
        });
        return backups;
    }

    private String restore(List<AtomicFileReplacer.Staged> committed) {
        if (committed.isEmpty()) {
            return " (left as it was)";
        }
        StringBuilder out = new StringBuilder();
        for (AtomicFileReplacer.Staged s : committed) {
            try {
                replacer.restore(s);
                out.append("; ").append(s.target()).append(" put back as it was");
            } catch (IOException e) {
                LOG.severe("event=settings_restore_failed file=" + s.target() + " backup=" + s.backup() + " reason=\"" + IoErrors.describe(e) + "\"");
                out.append("; ").append(s.target()).append(" could NOT be put back (").append(IoErrors.describe(e))
                        .append("): restore it from ").append(s.backup());
            }
        }
        return out.toString();
    }

    private static Path failed(List<Planned> changed, Map<Planned, AtomicFileReplacer.Staged> staged) {
        return changed.stream().filter(p -> !staged.containsKey(p)).findFirst().map(Planned::path).orElse(changed.get(0).path());
    }

    /**
     * A settings file's values, for status checks and endpoint resolution: read-only, and parsed again only when the
     * file changed (see {@link ParsedSettings}).
     */
    public Map<String, Object> read(Path file) {
        return parsed.read(file, f -> YamlDocument.parse(f.toString(), decode(f, readBytes(f))).value());
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
        Map<String, Object> patch = patch(db, change, doc.value(), file.toString());
        YamlPatcher.Result result = new YamlPatcher(doc).apply(patch);
        if (result.changed()) {
            Map<String, Object> reloaded = YamlDocument.parse(file.toString(), result.text()).value();
            if (!reloaded.equals(result.expected())) {
                throw new IllegalStateException("edit of " + file + " would change more than the requested keys; nothing written");
            }
        }
        String diff = SecretMasker.diff(file.toString(), text, result.text());
        return new Planned(file, bytes, result, diff);
    }

    private static Map<String, Object> patch(SettingsChange.CsmhDatabase db, SettingsChange change, Map<String, Object> doc, String file) {
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
        if (change.enableCsmhExtended() != null) {
            FeatureFlag.read(doc, FeatureFlag.CSMH_EXTENDED).patchTo(patch, change.enableCsmhExtended(), file);
        }
        if (change.readFromMultipleTables() != null) {
            FeatureFlag.read(doc, FeatureFlag.READ_MULTIPLE).patchTo(patch, change.readFromMultipleTables(), file);
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
