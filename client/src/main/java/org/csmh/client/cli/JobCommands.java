package org.csmh.client.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobAction;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** copy, verify, watch, jobs, job, pause, resume, cancel, pace. */
final class JobCommands {
    private JobCommands() {
    }

    /**
     * copy, verify and purge: build the request from the options (a usage error comes before any call), start the
     * job, and follow it unless --detach.
     */
    abstract static class StartJob implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;
        @Option(names = "--detach", description = "start and print the job, do not follow it")
        boolean detach;
        @Mixin
        PaceOptions pace;

        /** Checks the options and returns the call that starts the job. */
        abstract Function<CsmhClient, Job> prepare();

        @Override
        public Integer call() {
            Function<CsmhClient, Job> start = prepare();
            return root.withClient(c -> started(root, c, start.apply(c), detach));
        }
    }

    /** Commands about one existing job, named by its id. */
    abstract static class OnJob implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;
        @Parameters(paramLabel = "JOB")
        String id;
    }

    @Command(name = "copy", sortOptions = false, description = {"Copy every CSMH row into CSMHE, keeping ids, as a job.",
            "Follows the job (progress bar on a terminal, JSON lines otherwise) unless --detach; the job goes on if this exits."})
    static final class Copy extends StartJob {
        @Mixin
        CopyOptions options;

        @Override
        Function<CsmhClient, Job> prepare() {
            StartCopyRequest r = options.request(pace.toPace());
            return c -> c.startCopy(r);
        }
    }

    @Command(name = "verify", sortOptions = false, description = "Compare CSMH and CSMHE chunk by chunk (COUNT + BIT_XOR(CRC32)) as a job.")
    static final class Verify extends StartJob {
        @Option(names = "--range-start")
        long rangeStart;
        @Option(names = "--range-end")
        long rangeEnd;
        @Option(names = "--max-reported", description = "differing ids to list (default 100)")
        int maxReported;

        @Override
        Function<CsmhClient, Job> prepare() {
            StartVerifyRequest r = StartVerifyRequest.newBuilder().setRangeStart(rangeStart).setRangeEnd(rangeEnd)
                    .setMaxReportedRows(maxReported).setPace(pace.toPace()).build();
            return c -> c.startVerify(r);
        }
    }

    static int started(Csmhctl root, CsmhClient c, Job job, boolean detach) {
        JobOutput out = new JobOutput(root);
        if (detach) {
            out.print(job);
            return ExitCodes.OK;
        }
        if (!root.json) {
            // Only a copy has a mode; a verify's or purge's would print as "unspecified".
            String mode = job.getMode() == CopyMode.COPY_MODE_UNSPECIFIED ? ""
                    : ", " + job.getMode().name().replace("COPY_MODE_", "").toLowerCase(Locale.ROOT);
            // An empty table's range is 1..0: no ids to name then.
            String ids = job.getRangeEnd() >= job.getRangeStart() ? "ids " + job.getRangeStart() + ".." + job.getRangeEnd() : "no ids";
            root.err.println("started " + ProgressBar.kind(job) + " job " + job.getId() + " (" + ids + mode + "); Ctrl-C stops watching, not the job");
        }
        return out.follow(c, job.getId());
    }

    @Command(name = "watch", description = "Follow a job until it ends (reattach at any time).")
    static final class Watch extends OnJob {
        @Override
        public Integer call() {
            return root.withClient(c -> new JobOutput(root).follow(c, id));
        }
    }

    @Command(name = "jobs", description = "List jobs.")
    static final class Jobs implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;

        @Override
        public Integer call() {
            return root.withClient(c -> {
                JobOutput out = new JobOutput(root);
                var jobs = c.listJobs().getJobsList();
                if (jobs.isEmpty() && !root.json) {
                    root.out.println("no jobs");
                }
                jobs.forEach(out::print);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "job", description = "Show one job.")
    static final class Show extends OnJob {
        @Override
        public Integer call() {
            return root.withClient(c -> {
                Job j = c.getJob(id);
                new JobOutput(root).print(j);
                // As watch ends: a failed or cancelled job exits 7, a running one 0.
                return j.getState() == org.csmh.proto.v1.JobState.JOB_STATE_FAILED || j.getState() == org.csmh.proto.v1.JobState.JOB_STATE_CANCELLED
                        ? ExitCodes.JOB_FAILED : ExitCodes.OK;
            });
        }
    }

    abstract static class Control extends OnJob {
        abstract ControlJobRequest request();

        @Override
        public Integer call() {
            return root.withClient(c -> {
                new JobOutput(root).print(c.control(request()));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "pause", description = "Pause a job between chunks.")
    static final class Pause extends Control {
        ControlJobRequest request() {
            return ControlJobRequest.newBuilder().setId(id).setAction(JobAction.JOB_ACTION_PAUSE).build();
        }
    }

    @Command(name = "resume", description = "Resume a paused job.")
    static final class Resume extends Control {
        ControlJobRequest request() {
            return ControlJobRequest.newBuilder().setId(id).setAction(JobAction.JOB_ACTION_RESUME).build();
        }
    }

    @Command(name = "cancel", description = "Stop a job after its current chunk (committed chunks stay).")
    static final class Cancel extends Control {
        ControlJobRequest request() {
            return ControlJobRequest.newBuilder().setId(id).setAction(JobAction.JOB_ACTION_CANCEL).build();
        }
    }

    @Command(name = "pace", description = "Retune a running job (values are clamped by the agent).")
    static final class Retune extends Control {
        @Mixin
        PaceOptions pace;

        ControlJobRequest request() {
            return ControlJobRequest.newBuilder().setId(id).setAction(JobAction.JOB_ACTION_SET_PACE).setPace(pace.toPace()).build();
        }
    }
}
