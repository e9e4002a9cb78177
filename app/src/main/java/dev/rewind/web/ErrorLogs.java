package dev.rewind.web;

/**
 * Errors as they may be logged. Reactor's checkpoints, which Spring adds to every error a request
 * meets, name the request with its query string, and a query can hold a playback token: they are
 * left out. Stack traces, causes and other suppressed errors stay.
 */
final class ErrorLogs {
    private static final String ASSEMBLY_TRACE = "OnAssemblyException";

    private ErrorLogs() {}

    /** The error itself when it carries no checkpoint; otherwise a copy without them. */
    static Throwable withoutCheckpoints(Throwable error) {
        Throwable cause = error.getCause();
        Throwable loggableCause =
                cause == null || cause == error ? cause : withoutCheckpoints(cause);
        boolean checkpointed = false;
        for (Throwable suppressed : error.getSuppressed()) {
            checkpointed |= isCheckpoint(suppressed);
        }
        if (!checkpointed && loggableCause == cause) {
            return error;
        }
        var copy = new LoggedError(error.toString(), loggableCause);
        copy.setStackTrace(error.getStackTrace());
        for (Throwable suppressed : error.getSuppressed()) {
            if (!isCheckpoint(suppressed)) {
                copy.addSuppressed(suppressed);
            }
        }
        return copy;
    }

    private static boolean isCheckpoint(Throwable suppressed) {
        return suppressed.getClass().getName().endsWith(ASSEMBLY_TRACE);
    }

    /** Stands for an error in the log; its message is the original's class and message. */
    static final class LoggedError extends RuntimeException {
        LoggedError(String description, Throwable cause) {
            super(description, cause);
        }
    }
}
