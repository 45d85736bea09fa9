package org.csmh.agent.provision;

import java.util.List;

public record ProvisionResult(boolean changed, List<String> statements, List<String> warnings, boolean dryRun) {
}
