package org.csmh.agent.copy;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Mismatch;

/**
 * Compares CSMH and CSMHE chunk by chunk (COUNT + BIT_XOR(CRC32)), both sides at once, on one server or two.
 * A chunk whose sums differ is compared row by row and its differing ids are reported. Read-only, so a resumed
 * verify simply goes on after the last chunk it recorded.
 */
public final class VerifyRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(VerifyRunner.class.getName());
    private final JobEnvironment env;

    public VerifyRunner(JobEnvironment env) {
        this.env = env;
    }

    @Override
    public void runOnce(JobHandle job) throws Exception {
        Job snap = job.snapshot();
        Endpoint source = env.source();
        Endpoint target = env.target();
        Tables tables = new Tables(source.database(), target.database());
        int maxReported = job.spec().getVerify().getMaxReportedRows() == 0 ? 100 : job.spec().getVerify().getMaxReportedRows();
        try (Connection src = env.plain(source); Connection tgt = env.plain(target)) {
            ChunkChecksum left = new ChunkChecksum(src, tables.csmh());
            ChunkChecksum right = new ChunkChecksum(tgt, tables.csmhe());
            ChunkWalker walker = new ChunkWalker(job, snap.getRangeStart(), snap.getRangeEnd(), snap.getCurrentId(),
                    Throttling.of(env, job, tgt));
            for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                IdRange r = next.get();
                long t0 = System.nanoTime();
                CompletableFuture<ChunkChecksum.Sum> a = CompletableFuture.supplyAsync(() -> unchecked(() -> left.sum(r)));
                ChunkChecksum.Sum b = right.sum(r);
                ChunkChecksum.Sum s = join(a);
                if (!s.equals(b)) {
                    recordMismatch(job, r, left, right, s, b, maxReported);
                }
                walker.completed(r, s.rows(), System.nanoTime() - t0);
            }
        }
        Job end = job.snapshot();
        if (end.getMismatchedRows() > 0 && !job.control().cancelled()) {
            throw new JobFailure(end.getMismatchedRows() + " rows differ in " + end.getMismatchesCount() + " chunks (ids "
                    + end.getMismatches(0).getRangeStart() + ".." + end.getMismatches(end.getMismatchesCount() - 1).getRangeEnd() + ")");
        }
    }

    private static void recordMismatch(JobHandle job, IdRange r, ChunkChecksum left, ChunkChecksum right,
                                       ChunkChecksum.Sum s, ChunkChecksum.Sum t, int maxReported) throws Exception {
        TreeMap<Long, Long> a = left.rows(r);
        TreeMap<Long, Long> b = right.rows(r);
        TreeSet<Long> ids = new TreeSet<>(a.keySet());
        ids.addAll(b.keySet());
        List<Long> differing = new ArrayList<>();
        for (Long id : ids) {
            if (!java.util.Objects.equals(a.get(id), b.get(id))) {
                differing.add(id);
            }
        }
        LOG.warning("event=verify_mismatch id=" + job.id() + " range=" + r + " source_rows=" + s.rows() + " target_rows=" + t.rows()
                + " differing=" + differing.size());
        job.update(j -> {
            long reported = j.getMismatchesList().stream().mapToLong(Mismatch::getIdsCount).sum();
            int room = (int) Math.max(0, maxReported - reported);
            return j.addMismatches(Mismatch.newBuilder().setRangeStart(r.first()).setRangeEnd(r.last()).setSourceRows(s.rows())
                            .setTargetRows(t.rows()).addAllIds(differing.subList(0, Math.min(room, differing.size()))))
                    .setMismatchedRows(j.getMismatchedRows() + differing.size());
        });
    }

    private interface SqlCall<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(SqlCall<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                c = c.getCause();
            }
            throw c instanceof Exception ex ? ex : e;
        }
    }
}
