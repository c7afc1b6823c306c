/**
 * An in-process Harbor v2.15.2 emulator for demo mode and tests (plain JDK HttpServer + Jackson, no Quarkus/CDI).
 * Behaviour follows what a real Harbor v2.15.2 was observed to answer (the emulator tests in {@code src/test}
 * pin it down); the contract is Harbor's official {@code api/v2.0/swagger.yaml} of that version, which the build
 * obtains and verifies and against which the tests check every exchange. Comments citing "api-notes §N" name the
 * section of the team's Harbor notes a behaviour came from; the behaviour itself is described where it is coded.
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
 * Known simplifications: no registry (/v2) API, no scans, retention runs or slack delivery; replication executions
 * are recorded as succeeded without copying anything; permissions are checked only as "may this account see this
 * project" (sysadmin: all; robots: their namespaces; users: member projects), not per resource/action.
 */
package io.harborsync.emulator;
