package org.csmh.agent.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.csmh.agent.util.Directories;
import org.csmh.proto.v1.JobRecord;

/** Job records as JSON files under state_dir/jobs, each replaced atomically (temp file, fsync, rename, directory fsync). */
public final class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class.getName());
    private final Path dir;

    public JobStore(Path stateDir) {
        this.dir = stateDir.resolve("jobs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create job state directory " + dir, e);
        }
        // The first JSON print loads every message descriptor (~0.1 s measured): paid here at startup, not by the
        // first job's first snapshot.
        try {
            JsonFormat.printer().print(JobRecord.getDefaultInstance());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The saving thread was interrupted (agent shutdown): nothing was written, and the job is not at fault. */
    public static final class SaveInterrupted extends RuntimeException {
        SaveInterrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public synchronized void save(JobRecord record) {
        Path target = dir.resolve(record.getJob().getId() + ".json");
        Path temp = dir.resolve("." + record.getJob().getId() + ".json.tmp");
        try {
            byte[] bytes = JsonFormat.printer().print(record).getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.sync(dir);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            // An interrupt closes the channel: the agent is stopping. The previous record stays, and a restart resumes.
            Thread.currentThread().interrupt();
            throw new SaveInterrupted("saving job " + record.getJob().getId() + " was interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save job " + record.getJob().getId(), e);
        }
    }

    public List<JobRecord> loadAll() {
        List<JobRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    JobRecord.Builder b = JobRecord.newBuilder();
                    JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(f, StandardCharsets.UTF_8), b);
                    out.add(b.build());
                } catch (InvalidProtocolBufferException e) {
                    LOG.warning("event=job_record_unreadable file=" + f + " reason=\"" + e.getMessage() + "\"");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }
}
