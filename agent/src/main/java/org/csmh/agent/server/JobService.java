package org.csmh.agent.server;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.csmh.agent.copy.CopyStarter;
import org.csmh.agent.purge.PurgeStarter;
import org.csmh.agent.verify.VerifyStarter;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;

/** The job RPCs' translation: ids checked, actions dispatched, watch streams fed with flow control. */
public final class JobService {
    private final CopyStarter copies;
    private final VerifyStarter verifies;
    private final PurgeStarter purges;
    private final JobManager manager;

    public JobService(CopyStarter copies, VerifyStarter verifies, PurgeStarter purges, JobManager manager) {
        this.copies = copies;
        this.verifies = verifies;
        this.purges = purges;
        this.manager = manager;
    }

    Job startCopy(StartCopyRequest r) throws InterruptedException {
        return copies.start(r);
    }

    Job startVerify(StartVerifyRequest r) {
        return verifies.start(r);
    }

    Job startPurge(StartPurgeRequest r) {
        return purges.start(r);
    }

    Job get(String id) {
        return manager.get(checkId(id)).snapshot();
    }

    List<Job> list() {
        return manager.list();
    }

    Job control(ControlJobRequest r) {
        String id = checkId(r.getId());
        return switch (r.getAction()) {
            case JOB_ACTION_PAUSE -> manager.pause(id);
            case JOB_ACTION_RESUME -> manager.resume(id);
            case JOB_ACTION_CANCEL -> manager.cancel(id);
            case JOB_ACTION_SET_PACE -> {
                if (!r.hasPace()) {
                    throw new InvalidInputException("SET_PACE needs a pace");
                }
                yield manager.setPace(id, r.getPace());
            }
            default -> throw new InvalidInputException("unknown or missing action " + r.getActionValue());
        };
    }

    /**
     * Sends the current snapshot, then every change. A slow watcher gets the newest snapshot when it is ready
     * again (older ones are skipped, never queued), so no watcher can hold a job back or grow the agent's memory.
     */
    void watch(String id, ServerCallStreamObserver<Job> out) {
        JobHandle handle = manager.get(checkId(id));
        AtomicReference<Job> pending = new AtomicReference<>();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicReference<Runnable> unsubscribe = new AtomicReference<>(() -> { });
        Runnable drain = () -> {
            synchronized (out) {
                while (!closed.get() && out.isReady()) {
                    Job next = pending.getAndSet(null);
                    if (next == null) {
                        return;
                    }
                    out.onNext(next);
                    if (JobHandle.isTerminal(next.getState())) {
                        closed.set(true);
                        out.onCompleted();
                        unsubscribe.get().run();
                    }
                }
            }
        };
        out.setOnCancelHandler(() -> {
            closed.set(true);
            unsubscribe.get().run();
        });
        out.setOnReadyHandler(drain);
        unsubscribe.set(handle.watch(job -> {
            pending.set(job);
            drain.run();
        }));
        if (closed.get()) {
            unsubscribe.get().run();
        }
    }

    private static String checkId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new InvalidInputException("invalid job id " + org.csmh.agent.mysql.SqlNames.printable(id));
        }
        return id;
    }
}
