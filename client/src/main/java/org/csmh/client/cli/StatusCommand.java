package org.csmh.client.cli;

import java.util.concurrent.Callable;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.GetStatusResponse;
import org.csmh.proto.v1.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", description = "Show the procedure's checklist on the agent's host.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Csmhctl root;

    @Option(names = "--exact-count", description = "COUNT(*) the old table instead of the estimate (slow on big tables)")
    boolean exact;

    @Option(names = "--require-complete", description = "exit 6 when a step is pending or failed")
    boolean requireComplete;

    @Override
    public Integer call() {
        return root.execute(c -> c.status(GetStatusRequest.newBuilder().setExactRowCount(exact).build()), this::print);
    }

    private int print(GetStatusResponse r) {
        if (root.json) {
            return exit(r);
        }
        root.out.println("csmh-agent " + r.getAgentVersion() + " on " + r.getHostname());
        for (Check c : r.getChecksList()) {
            root.out.printf("  %-9s %s%n            %s%n", "[" + label(c) + "]", c.getTitle(), c.getDetail());
        }
        root.out.println("procedure:");
        for (int i = 0; i < r.getStepsCount(); i++) {
            Step st = r.getSteps(i);
            root.out.printf("  %d. %-20s %-8s %s%n", i + 1, st.getId(), st.getState().name().replace("STEP_STATE_", "").toLowerCase(),
                    st.getDetail());
        }
        root.out.println(r.getNextStep().isEmpty() ? "all steps done" : "next step: " + r.getNextStep());
        return exit(r);
    }

    private int exit(GetStatusResponse r) {
        return requireComplete && !r.getComplete() ? ExitCodes.INCOMPLETE : ExitCodes.OK;
    }

    private static String label(Check c) {
        return switch (c.getState()) {
            case CHECK_STATE_OK -> "ok";
            case CHECK_STATE_PENDING -> "pending";
            case CHECK_STATE_WARNING -> "warning";
            case CHECK_STATE_FAILED -> "FAILED";
            case CHECK_STATE_INFO -> "info";
            default -> "?";
        };
    }
}
