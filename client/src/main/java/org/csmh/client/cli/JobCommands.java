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
        @Option(names = "--range-start", description = "first id (default 1)")
        long rangeStart;
        @Option(names = "--range-end", description = "last id (default max(id) of the old table, then catch-up passes follow"
                + " rows that arrive above it; a given end is where the copy stops)")
        long rangeEnd;
        @Option(names = "--mode", description = "auto (default), same-instance or cross-server")
        String mode = "auto";
        @Option(names = "--growth-check-seconds", description = "watch the old table this long and refuse if it grows (default 5)")
        Integer growth;
        @Option(names = "--statement", description = "auto (default: simple-inserts under innodb_autoinc_lock_mode 1, else bulk),"
                + " bulk (INSERT..SELECT / LOAD DATA: fastest, holds CSMHE's AUTO-INC lock per chunk under mode 0/1) or simple-inserts")
        String statement = "auto";
        @Option(names = "--writers", description = "target connections writing chunks at once, commits in id order (1..4,"
                + " default 2; one under --sleep-ms, and for bulk statements under innodb_autoinc_lock_mode 0/1)")
        Integer writers;
        @Option(names = "--settle-timeout-seconds", description = "longest wait for open source transactions before the first chunk"
                + " and before success; still open then fails the copy (default 300)")
        Integer settleTimeout;
        @Option(names = "--settle-seconds", description = "where open transactions cannot be seen (no PROCESS): wait this long"
                + " before the first chunk and before success instead (default 10)")
        Integer settle;

        @Override
        Function<CsmhClient, Job> prepare() {
            StartCopyRequest.Builder b = StartCopyRequest.newBuilder().setRangeStart(rangeStart).setRangeEnd(rangeEnd).setPace(pace.toPace())
                    .setMode(switch (mode) {
                        case "auto" -> CopyMode.COPY_MODE_AUTO;
                        case "same-instance" -> CopyMode.COPY_MODE_SAME_INSTANCE;
                        case "cross-server" -> CopyMode.COPY_MODE_CROSS_SERVER;
                        default -> throw new UsageException("--mode: expected auto, same-instance or cross-server, got '" + mode + "'");
                    });
            b.setStatement(switch (statement) {
                case "auto" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_AUTO;
                case "bulk" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_BULK;
                case "simple-inserts" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_SIMPLE_INSERTS;
                default -> throw new UsageException("--statement: expected auto, bulk or simple-inserts, got '" + statement + "'");
            });
            if (growth != null) {
                b.setGrowthCheckSeconds(growth);
            }
            if (settleTimeout != null) {
                b.setSettleTimeoutSeconds(settleTimeout);
            }
            if (settle != null) {
                b.setSettleSeconds(settle);
            }
            if (writers != null) {
                b.setWriters(writers);
            }
            StartCopyRequest r = b.build();
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
            root.err.println("started " + ProgressBar.kind(job) + " job " + job.getId() + " (ids " + job.getRangeStart() + ".." + job.getRangeEnd()
                    + mode + "); Ctrl-C stops watching, not the job");
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
                c.listJobs().getJobsList().forEach(out::print);
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
                return ExitCodes.OK;
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
