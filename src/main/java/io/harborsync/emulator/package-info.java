/**
 * An in-process Harbor v2.15.2 emulator for demo mode and tests (plain JDK HttpServer + Jackson, no Quarkus/CDI).
 * Behaviour follows {@code shared/harbor/api-notes.md}; the contract is {@code shared/harbor/swagger.yaml}.
 *
 * <pre>{@code
 * try (HarborEmulator h1 = HarborEmulator.start(EmulatorOptions.defaults("h1"))) {
 *     URI api = h1.baseUrl().resolve("/api/v2.0/");   // basic auth admin / Harbor12345
 *     h1.pushArtifact("team-a", "app/web", null, "1.0");
 *     h1.faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503).times(2));
 * }
 * }</pre>
 *
 * Control endpoints for curl users (same basic auth as the API, never part of the Harbor contract):
 * <pre>
 * curl -u admin:Harbor12345 -H 'Content-Type: application/json' -X POST $URL/emulator/artifacts \
 *      -d '{"project":"team-a","repository":"app/web","tags":["1.0"]}'        # digest optional; answers {"digest":..}
 * curl -u admin:Harbor12345 -X POST $URL/emulator/users -d '{"username":"alice"}'   # optional "password"
 * curl -u admin:Harbor12345 -X POST $URL/emulator/faults \
 *      -d '{"method":"GET","path":"/api/v2.0/projects.*","status":503,"times":2}'  # or delay_ms, drop, latency_ms
 * curl -u admin:Harbor12345 -X DELETE $URL/emulator/faults
 * </pre>
 *
 * Known simplifications: no registry (/v2) API, no scans, labels, retention or slack delivery; replication executions
 * are recorded as succeeded without copying anything; permissions are checked only as "may this account see this
 * project" (sysadmin: all; robots: their namespaces; users: member projects), not per resource/action.
 */
package io.harborsync.emulator;
