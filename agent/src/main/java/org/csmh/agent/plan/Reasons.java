package org.csmh.agent.plan;

import java.util.ArrayList;
import java.util.List;
import org.csmh.proto.v1.PlanReason;
import org.csmh.proto.v1.Verdict;

/** The plan's reasons, blockers and warnings, and the verdict they add up to. */
final class Reasons {
    private final List<PlanReason> list = new ArrayList<>();

    void noGo(String code, String message) {
        list.add(PlanReason.newBuilder().setVerdict(Verdict.VERDICT_NO_GO).setCode(code).setMessage(message).build());
    }

    void warn(String code, String message) {
        list.add(PlanReason.newBuilder().setVerdict(Verdict.VERDICT_GO_WITH_WARNINGS).setCode(code).setMessage(message).build());
    }

    /** Whether a blocker with one of these codes was found. */
    boolean blocks(String... codes) {
        java.util.Set<String> set = java.util.Set.of(codes);
        return list.stream().anyMatch(r -> r.getVerdict() == Verdict.VERDICT_NO_GO && set.contains(r.getCode()));
    }

    List<PlanReason> list() {
        return List.copyOf(list);
    }

    Verdict verdict() {
        Verdict v = Verdict.VERDICT_GO;
        for (PlanReason r : list) {
            if (r.getVerdict().getNumber() > v.getNumber()) {
                v = r.getVerdict();
            }
        }
        return v;
    }
}
