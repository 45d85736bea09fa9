package org.csmh.agent.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;

/** Domain exceptions to gRPC statuses with a description; unexpected errors are logged and reported as INTERNAL. */
final class ErrorStatus {
    private static final Logger LOG = Logger.getLogger(ErrorStatus.class.getName());

    private ErrorStatus() {
    }

    static StatusRuntimeException of(String rpc, Throwable t) {
        Status status;
        if (t instanceof InvalidInputException) {
            status = Status.INVALID_ARGUMENT;
        } else if (t instanceof PreconditionException) {
            status = Status.FAILED_PRECONDITION;
        } else if (t instanceof DatabaseAccessException d) {
            status = switch (d.kind()) {
                case UNREACHABLE -> Status.UNAVAILABLE;
                case ACCESS_DENIED -> Status.PERMISSION_DENIED;
                case FAILED -> Status.FAILED_PRECONDITION;
            };
        } else if (t instanceof org.csmh.agent.job.JobNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (t instanceof StatusRuntimeException s) {
            return s;
        } else {
            LOG.log(Level.SEVERE, "event=rpc_internal_error rpc=" + rpc, t);
            return Status.INTERNAL.withDescription(rpc + " failed: " + t).asRuntimeException();
        }
        LOG.info(() -> "event=rpc_refused rpc=" + rpc + " code=" + status.getCode() + " reason=\"" + t.getMessage() + "\"");
        return status.withDescription(t.getMessage()).asRuntimeException();
    }
}
