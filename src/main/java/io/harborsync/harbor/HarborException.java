package io.harborsync.harbor;

/**
 * A Harbor call that did not succeed, typed by what the caller must do about it. Carries the site,
 * the operation and Harbor's own error code and message, never a credential.
 *
 * <p>The sync model needs one distinction above all: {@link #isUnknownState()} says the answer tells
 * nothing about the resource (auth failure, server error, timeout), so the key must be treated as
 * unknown for this run, never as missing.
 */
public class HarborException extends RuntimeException {
    private final String site;
    private final String operation;
    private final int status;
    private final String code;
    private final String harborMessage;

    protected HarborException(String site, String operation, int status, String code, String harborMessage,
                              Throwable cause) {
        super(describe(site, operation, status, code, harborMessage), cause);
        this.site = site;
        this.operation = operation;
        this.status = status;
        this.code = code;
        this.harborMessage = harborMessage;
    }

    private static String describe(String site, String operation, int status, String code, String message) {
        StringBuilder b = new StringBuilder().append(site).append(": ").append(operation).append(" failed");
        if (status > 0) {
            b.append(" with HTTP ").append(status);
        }
        if (code != null) {
            b.append(" ").append(code);
        }
        if (message != null && !message.isBlank()) {
            b.append(": ").append(message);
        }
        return b.toString();
    }

    /** Maps an HTTP error answer to the matching type. */
    public static HarborException of(String site, String operation, int status, String code, String message) {
        return switch (status) {
            case 400, 422 -> new BadRequest(site, operation, status, code, message);
            case 401 -> new Unauthorized(site, operation, status, code, message);
            case 403 -> new Forbidden(site, operation, status, code, message);
            case 404 -> new NotFound(site, operation, status, code, message);
            case 409 -> new Conflict(site, operation, status, code, message);
            case 412 -> new PreconditionFailed(site, operation, status, code, message);
            case 429 -> new ServerError(site, operation, status, code, message);
            default -> status >= 500 ? new ServerError(site, operation, status, code, message)
                    : new HarborException(site, operation, status, code, message, null);
        };
    }

    public String site() {
        return site;
    }

    public String operation() {
        return operation;
    }

    /** HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** Harbor's error code, e.g. NOT_FOUND, CONFLICT, PRECONDITION; null when Harbor sent none. */
    public String code() {
        return code;
    }

    public String harborMessage() {
        return harborMessage;
    }

    /** True when the failure says nothing about whether the resource exists. */
    public boolean isUnknownState() {
        return false;
    }

    public static final class BadRequest extends HarborException {
        BadRequest(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }
    }

    public static final class Unauthorized extends HarborException {
        Unauthorized(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }

        @Override
        public boolean isUnknownState() {
            return true;
        }
    }

    /** Also what a robot gets for a project that does not exist (api-notes §1). */
    public static final class Forbidden extends HarborException {
        Forbidden(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }

        @Override
        public boolean isUnknownState() {
            return true;
        }
    }

    public static final class NotFound extends HarborException {
        NotFound(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }
    }

    public static final class Conflict extends HarborException {
        Conflict(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }
    }

    /** 412: e.g. deleting a project that still holds repositories, or an artifact referenced by an index. */
    public static final class PreconditionFailed extends HarborException {
        PreconditionFailed(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }
    }

    /** 5xx and 429. */
    public static final class ServerError extends HarborException {
        ServerError(String site, String op, int status, String code, String message) {
            super(site, op, status, code, message, null);
        }

        @Override
        public boolean isUnknownState() {
            return true;
        }
    }

    /** No answer: connection refused or dropped, TLS failure, timeout. */
    public static final class Unreachable extends HarborException {
        public Unreachable(String site, String op, Throwable cause) {
            super(site, op, 0, null, reason(site, cause), cause);
        }

        /**
         * What went wrong, from the cause chain. A certificate the client does not trust is spelled out with
         * the setting that fixes it: the JDK's own text ("PKIX path building failed") does not say.
         */
        static String reason(String site, Throwable cause) {
            boolean tls = false;
            boolean untrusted = false;
            Throwable root = cause;
            for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
                root = t;
                if (t instanceof javax.net.ssl.SSLException) {
                    tls = true;
                }
                if (t instanceof java.security.cert.CertPathValidatorException
                        || t instanceof java.security.cert.CertPathBuilderException) {
                    untrusted = true;
                }
            }
            if (untrusted) {
                return "TLS: the server certificate is not trusted (set harbor-sync.sites." + site
                        + ".ca-file to the CA that signed it)";
            }
            String m = root.getMessage();
            String rootText = root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
            return tls || root instanceof java.security.cert.CertificateException
                    ? "TLS: the handshake failed (" + rootText + ")" : rootText;
        }

        @Override
        public boolean isUnknownState() {
            return true;
        }
    }

    /**
     * Not sent: the site's {@link CircuitBreaker} is open after repeated failures. Says as little about
     * the resource as the failures did, so it is unknown-state as well.
     */
    public static final class CircuitOpen extends HarborException {
        CircuitOpen(String site, String op, String why) {
            super(site, op, 0, "CIRCUIT_OPEN", why, null);
        }

        @Override
        public boolean isUnknownState() {
            return true;
        }
    }

    /** Harbor answered success but reading back shows the write had no effect (api-notes §4, §5). */
    public static final class WriteNotApplied extends HarborException {
        public WriteNotApplied(String site, String op, String what) {
            super(site, op, 200, "NOT_APPLIED", what, null);
        }
    }
}
