package org.csmh.agent.verify;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobFailure;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobPass;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.NextRowId;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.agent.throttle.Throttling;
import org.csmh.agent.util.DaemonThreads;
import org.csmh.agent.util.Unsigned;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Mismatch;

/**
 * Compares CSMH and CSMHE chunk by chunk (COUNT + BIT_XOR(CRC32)), both sides at once, on one server or two.
 * A chunk whose sums differ is compared row by row and its differing ids are reported. Read-only, so a resumed
 * verify simply goes on after the last chunk it recorded. The two sides run on the job's own two threads (blocking
 * JDBC does not belong on a shared pool); when one side fails, the other's query is cancelled and waited for before
 * its connection is closed.
 */
public final class VerifyRunner implements JobPass {
    private static final Logger LOG = Logger.getLogger(VerifyRunner.class.getName());
    private final JobEnvironment env;
    private final ThrottleMetrics metrics;

    public VerifyRunner(JobEnvironment env, ThrottleMetrics metrics) {
        this.env = env;
        this.metrics = metrics;
    }

    @Override
    public void runOnce(JobHandle job) throws Exception {
        Job snap = job.snapshot();
        Endpoint source = env.source();
        Endpoint target = env.target();
        Tables tables = new Tables(source.database(), target.database());
        long maxReported = job.spec().getVerify().getMaxReportedRows() == 0 ? 100 : Unsigned.of(job.spec().getVerify().getMaxReportedRows());
        String name = Thread.currentThread().getName();
        ExecutorService sides = Executors.newFixedThreadPool(2, DaemonThreads.named(name + "-side"));
        List<Connection> opened = env.openAll(JobEnvironment.plainTo(source), JobEnvironment.plainTo(target));
        try (Connection src = opened.get(0); Connection tgt = opened.get(1);
             NextRowId oldNext = new NextRowId(src, tables.csmh()); NextRowId newNext = new NextRowId(tgt, tables.csmhe())) {
            ChunkChecksum left = ChunkChecksum.old(src, tables);
            ChunkChecksum right = ChunkChecksum.copy(tgt, tables);
            // The throttle reads between chunks, while both sides are idle: the target's Threads_running, and the
            // source's too when it is another server (the LMS's production primary), as a cross-server copy does.
            boolean oneServer = new Inspector(tgt).serverIdentity().equals(new Inspector(src).serverIdentity());
            ChunkWalker walker = new ChunkWalker(job, snap.getRangeStart(), snap.getRangeEnd(), snap.getCurrentId(),
                    oneServer ? Throttling.of(metrics, job, tgt) : Throttling.of(metrics, job, tgt, src));
            // A hole is skipped only where neither table has a row: a row the copy has and the old table lacks is a
            // difference to find, not a hole.
            walker.seekWith(id -> NextRowId.first(oldNext.atOrAfter(id), newNext.atOrAfter(id)));
            for (var next = walker.next(); next.isPresent(); next = walker.next()) {
                IdRange r = next.get();
                long t0 = System.nanoTime();
                ChunkChecksum.Sum[] sums = bothSides(sides, left, right, r);
                if (!sums[0].equals(sums[1])) {
                    recordMismatch(job, r, left, right, sums[0], sums[1], maxReported);
                }
                walker.completed(r, sums[0].rows(), System.nanoTime() - t0);
            }
        } finally {
            sides.shutdownNow();
        }
        Job end = job.snapshot();
        if (end.getMismatchedRows() > 0 && !job.control().cancelled()) {
            throw new JobFailure(end.getMismatchedRows() + " rows differ in " + end.getMismatchesCount() + " chunks (ids "
                    + end.getMismatches(0).getRangeStart() + ".." + end.getMismatches(end.getMismatchesCount() - 1).getRangeEnd() + ")"
                    + remedy(end.getMismatchesList()));
        }
    }

    /**
     * What to do, from the chunks' row counts: where the new table has fewer rows (a late commit a copy missed),
     * copying again brings them, since a copy over rows already there recounts its range; where it has as many or
     * more, something other than the copy wrote old ids into it.
     */
    static String remedy(List<Mismatch> chunks) {
        long fewer = chunks.stream().filter(m -> m.getTargetRows() < m.getSourceRows()).count();
        String copyAgain = "copy again (a copy over rows already there recounts its range and copies what is missing), then verify";
        String foreign = "the new table holds rows the old one does not, or other rows at old ids (see csmhctl status, old_ids)";
        if (fewer == chunks.size()) {
            return ": the new table has fewer rows there; " + copyAgain;
        }
        return fewer == 0 ? ": " + foreign : ": in " + fewer + " of them the new table has fewer rows (" + copyAgain + "); in the others " + foreign;
    }

    /** Both sums at once; the first side to fail cancels the other, and both have stopped when this returns. */
    static ChunkChecksum.Sum[] bothSides(ExecutorService pool, ChunkChecksum left, ChunkChecksum right, IdRange r) throws Exception {
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CompletableFuture<ChunkChecksum.Sum> a = side(pool, left, right, r, firstError);
        CompletableFuture<ChunkChecksum.Sum> b = side(pool, right, left, r, firstError);
        CompletableFuture<Void> both = CompletableFuture.allOf(a, b);
        try {
            while (true) {
                try {
                    both.get(200, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException stillRunning) {
                    if (firstError.get() != null) {
                        // A cancel sent before the other side's statement reached the server found nothing to kill:
                        // keep cancelling until that side has ended.
                        left.cancel();
                        right.cancel();
                    }
                }
            }
        } catch (ExecutionException e) {
            // allOf waits for both, so the cancelled side has ended too; report what went wrong first.
            Throwable c = firstError.get() != null ? firstError.get() : e.getCause();
            while (c instanceof CompletionException && c.getCause() != null) {
                c = c.getCause();
            }
            throw c instanceof Exception ex ? ex : e;
        }
        return new ChunkChecksum.Sum[] {a.get(), b.get()};
    }

    private static CompletableFuture<ChunkChecksum.Sum> side(ExecutorService pool, ChunkChecksum mine, ChunkChecksum other, IdRange r,
                                                             AtomicReference<Throwable> firstError) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return mine.sum(r);
            } catch (Exception e) {
                if (firstError.compareAndSet(null, e)) {
                    other.cancel();
                }
                throw new CompletionException(e);
            }
        }, pool);
    }

    private static void recordMismatch(JobHandle job, IdRange r, ChunkChecksum left, ChunkChecksum right,
                                       ChunkChecksum.Sum s, ChunkChecksum.Sum t, long maxReported) throws Exception {
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
        job.progress(j -> {
            long reported = j.getMismatchesList().stream().mapToLong(Mismatch::getIdsCount).sum();
            int room = (int) Math.max(0, maxReported - reported);
            return j.addMismatches(Mismatch.newBuilder().setRangeStart(r.first()).setRangeEnd(r.last()).setSourceRows(s.rows())
                            .setTargetRows(t.rows()).addAllIds(differing.subList(0, Math.min(room, differing.size()))))
                    .setMismatchedRows(j.getMismatchedRows() + differing.size());
        });
    }
}
