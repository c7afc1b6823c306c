package io.harborsync.harbor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.harbor.HarborModel.Errors;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns a Harbor error answer into a {@link HarborHttpError} with Harbor's code and message.
 * {@link HarborClient} then adds the site and operation and picks the typed {@link HarborException}.
 */
final class HarborHttpError extends RuntimeException {
    final int status;
    final String code;
    final String harborMessage;

    HarborHttpError(int status, String code, String harborMessage) {
        super(status + " " + code, null, false, false);
        this.status = status;
        this.code = code;
        this.harborMessage = harborMessage;
    }

    static final class Mapper implements ResponseExceptionMapper<HarborHttpError> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public HarborHttpError toThrowable(Response response) {
            String code = null;
            String message = null;
            if (response.hasEntity()) {
                try {
                    String body = response.readEntity(String.class);
                    Errors errors = JSON.readValue(body, Errors.class);
                    if (errors.errors() != null && !errors.errors().isEmpty()) {
                        code = errors.errors().get(0).code();
                        message = errors.errors().get(0).message();
                    }
                } catch (Exception notHarborShaped) {
                    // a proxy's HTML error page, or Harbor's plain "internal server error"
                }
            }
            return new HarborHttpError(response.getStatus(), code, message);
        }

        @Override
        public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
            return status >= 400;
        }

        @Override
        public int getPriority() {
            return 0; // before the default mapper
        }
    }
}
