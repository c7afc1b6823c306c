package io.harborsync.web;

import io.harborsync.http.Problem;
import io.harborsync.intake.WebhookResource;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameters;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a query parameter the matched endpoint does not take, for every admin endpoint ({@link AdminOnly}) and
 * Harbor's webhook target: {@code POST /sync?dryrun=true} (lower-case r) used to run a real reconcile, the
 * misspelt flag silently ignored. The parameters an endpoint takes are the {@code @QueryParam}s of its method and
 * the query {@code @Parameter}s it documents in the OpenAPI document (the admin flags are read from the raw
 * query): documentation and acceptance cannot drift apart. Harbor sends no query parameters to a webhook
 * address, and harbor-sync registers its address without one, so the webhook endpoint takes none.
 * Runs after the admin-token check: an unauthenticated caller learns nothing about the parameters.
 */
public class QueryParameterFilter {
    private final Map<Method, Set<String>> accepted = new ConcurrentHashMap<>();

    @ServerRequestFilter(priority = Priorities.USER + 100) // after AdminAuthFilter (Priorities.USER)
    public Optional<Response> refuseUnknownQueryParameters(ContainerRequestContext context, ResourceInfo resource,
                                                           HttpServerRequest request) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        if (method == null || type == null || !(type.isAnnotationPresent(AdminOnly.class)
                || method.isAnnotationPresent(AdminOnly.class) || WebhookResource.class.isAssignableFrom(type))) {
            return Optional.empty();
        }
        String raw = request.query();
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        Set<String> takes = accepted.computeIfAbsent(method, QueryParameterFilter::queryParameters);
        String instance = ProblemMappers.sanitize(context.getUriInfo().getRequestUri().getRawPath());
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.of(Problem.response(400, "the query string is not valid percent-encoding", instance));
            }
            if (!takes.contains(key)) {
                String what = key.isEmpty() ? "an empty query parameter" : "unknown query parameter '"
                        + ProblemMappers.sanitize(key) + "'";
                return Optional.of(Problem.response(400, what + ": " + context.getMethod() + " " + instance
                        + (takes.isEmpty() ? " takes none" : " takes only " + String.join(", ", takes))
                        + " (names are case-sensitive)", instance));
            }
        }
        return Optional.empty();
    }

    /** What an endpoint method takes: its {@code @QueryParam}s and the query parameters it documents. */
    public static Set<String> queryParameters(Method method) {
        Set<String> names = new TreeSet<>();
        for (Annotation[] onParameter : method.getParameterAnnotations()) {
            for (Annotation a : onParameter) {
                if (a instanceof QueryParam q) {
                    names.add(q.value());
                }
                if (a instanceof Parameter p && p.in() == ParameterIn.QUERY && !p.name().isEmpty()) {
                    names.add(p.name());
                }
            }
        }
        for (Parameter p : method.getAnnotationsByType(Parameter.class)) {
            if (p.in() == ParameterIn.QUERY) {
                names.add(p.name());
            }
        }
        Parameters all = method.getAnnotation(Parameters.class);
        if (all != null) {
            for (Parameter p : all.value()) {
                if (p.in() == ParameterIn.QUERY) {
                    names.add(p.name());
                }
            }
        }
        return java.util.Collections.unmodifiableSet(names);
    }
}
