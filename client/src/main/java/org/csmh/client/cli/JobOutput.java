package org.csmh.client.cli;

import java.util.Iterator;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.WatchJobRequest;

/**
 * Shows a job as it runs: a progress bar redrawn in place on a terminal, otherwise (or with --json) one JSON
 * object per line for each snapshot. Returns the exit code of the job's end state.
 */
final class JobOutput {
    private final Csmhctl root;

    JobOutput(Csmhctl root) {
        this.root = root;
    }

    int follow(CsmhClient client, String id) {
        Iterator<Job> events = client.watch(WatchJobRequest.newBuilder().setId(id).build());
        Job last = null;
        boolean bar = !root.json && root.terminal;
        while (events.hasNext()) {
            last = events.next();
            if (bar) {
                root.out.print("\r\033[2K" + ProgressBar.render(last));
                root.out.flush();
            } else {
                root.out.println(compact(last));
            }
        }
        if (bar) {
            root.out.println();
            if (last != null) {
                root.out.print(path(last));
            }
        }
        return last == null ? ExitCodes.ERROR : finish(last);
    }

    int finish(Job j) {
        if (!root.json && !j.getError().isEmpty()) {
            root.err.println("csmhctl: " + ProgressBar.kind(j) + " " + j.getId() + " " + ProgressBar.state(j) + ": " + j.getError());
        }
        return j.getState() == JobState.JOB_STATE_SUCCEEDED ? ExitCodes.OK : ExitCodes.JOB_FAILED;
    }

    void print(Job j) {
        root.out.println(root.json ? compact(j) : ProgressBar.render(j) + (j.getError().isEmpty() ? "" : "\n  error: " + j.getError()));
        if (!root.json) {
            root.out.print(path(j));
        }
    }

    /** How the job writes (a copy's statements, a purge's DELETE or TRUNCATE) as a line of its own, if it says. */
    private static String path(Job j) {
        return j.getWritePath().isEmpty() ? "" : "  path: " + j.getWritePath() + System.lineSeparator();
    }

    static String compact(Job j) {
        return Csmhctl.compactJson(j);
    }
}
