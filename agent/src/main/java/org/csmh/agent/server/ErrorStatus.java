package org.csmh.agent.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.csmh.agent.job.JobNotFoundException;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;

/**
 * The one mapping from domain exceptions to gRPC statuses, each with a description. A description (and its log
 * line) is bounded: a request can carry a megabyte in any string, and an error that echoes it whole would break the
 * HTTP/2 trailer (the client sees an opaque INTERNAL) and flood the log. Unexpected errors are logged with their
 * stack and reported as INTERNAL naming the exception.
 */
final class ErrorStatus {
    static final int MAX_DESCRIPTION = 1024;
    private static final Logger LOG = Logger.getLogger(ErrorStatus.class.getName());

    private ErrorStatus() {
    }

    /** The status code for a domain exception; null for one that is not expected (a bug). */
    static Status.Code code(Throwable t) {
        if (t instanceof InvalidInputException) {
            return Status.Code.INVALID_ARGUMENT;
        }
        if (t instanceof PreconditionException) {
            return Status.Code.FAILED_PRECONDITION;
        }
        if (t instanceof JobNotFoundException) {
            return Status.Code.NOT_FOUND;
        }
        if (t instanceof DatabaseAccessException d) {
            return switch (d.kind()) {
                case UNREACHABLE -> Status.Code.UNAVAILABLE;       // retry with backoff
                case CONFLICT -> Status.Code.ABORTED;              // lock wait timeout, deadlock: retry the call
                case ACCESS_DENIED -> Status.Code.PERMISSION_DENIED;
                case FAILED -> Status.Code.FAILED_PRECONDITION;
            };
        }
        return null;
    }

    static StatusRuntimeException of(String rpc, Throwable t) {
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        Status.Code code = code(t);
        if (code == null) {
            LOG.log(Level.SEVERE, "event=rpc_internal_error rpc=" + rpc, t);
            return Status.INTERNAL.withDescription(bounded(rpc + " failed: " + t)).asRuntimeException();
        }
        String description = bounded(t.getMessage() == null ? t.toString() : t.getMessage());
        LOG.info(() -> "event=rpc_refused rpc=" + rpc + " code=" + code + " reason=\"" + description + "\"");
        return Status.fromCode(code).withDescription(description).asRuntimeException();
    }

    static String bounded(String text) {
        return text.length() <= MAX_DESCRIPTION ? text
                : text.substring(0, MAX_DESCRIPTION) + "... (" + (text.length() - MAX_DESCRIPTION) + " more characters)";
    }
}
