package io.harborsync.emulator;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;

/**
 * How one emulated Harbor site is set up.
 *
 * @param externalHost      what Harbor calls EXT_ENDPOINT without the scheme; used in webhook resource_url (api-notes 2.3)
 * @param auditLogEnabled   false models SKIP_LOG_AUDIT_DATABASE=true: nothing is stored (api-notes 3)
 * @param webhookRetryDelay pause between the 3 delivery attempts (real Harbor waits 16 s and more; tests want it short)
 * @param memberAuditEvents true models a Harbor newer than v2.15.2 that logs member changes (create/update/delete_member,
 *                          PR #23228 on main, api-notes 3) and project updates ({@code update_project} for
 *                          {@code PUT /projects/{p}}; the {@code /metadatas} calls are not modelled), and lists those
 *                          four types in {@code GET /auditlog-exts/events}; v2.15.2 itself does none of it
 * @param tls               null = plain HTTP; else HTTPS with the key store's key and chain (its certificate must
 *                          name {@code localhost}: that is the host {@link HarborEmulator#baseUrl()} then uses)
 * @param sessionTimeout    Harbor's {@code session_timeout}: a login session without a request for this long is
 *                          forgotten (the next request with it is anonymous); renewed by each request. 60 min, as
 *                          Harbor's default
 */
public record EmulatorOptions(String name, int port, String adminUsername, String adminPassword, String externalHost,
                              boolean auditLogEnabled, Duration webhookRetryDelay, boolean memberAuditEvents, Tls tls,
                              Duration sessionTimeout) {

    /** The server key and certificate chain for HTTPS. The password is kept only to open the key store. */
    public record Tls(KeyStore keyStore, char[] password) {
        public Tls {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore.getType() + ", password=***]";
        }
    }

    public EmulatorOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(adminUsername, "adminUsername");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(externalHost, "externalHost");
        Objects.requireNonNull(webhookRetryDelay, "webhookRetryDelay");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    }

    public static EmulatorOptions defaults(String name) {
        return new EmulatorOptions(name, 0, "admin", "Harbor12345", name + ".harbor.domain", true, Duration.ofMillis(200), false, null, Duration.ofMinutes(60));
    }

    public EmulatorOptions withName(String v) { return new EmulatorOptions(v, port, adminUsername, adminPassword, externalHost, auditLogEnabled, webhookRetryDelay, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withPort(int v) { return new EmulatorOptions(name, v, adminUsername, adminPassword, externalHost, auditLogEnabled, webhookRetryDelay, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withAdminUsername(String v) { return new EmulatorOptions(name, port, v, adminPassword, externalHost, auditLogEnabled, webhookRetryDelay, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withAdminPassword(String v) { return new EmulatorOptions(name, port, adminUsername, v, externalHost, auditLogEnabled, webhookRetryDelay, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withExternalHost(String v) { return new EmulatorOptions(name, port, adminUsername, adminPassword, v, auditLogEnabled, webhookRetryDelay, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withAuditLogEnabled(boolean v) { return new EmulatorOptions(name, port, adminUsername, adminPassword, externalHost, v, webhookRetryDelay, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withMemberAuditEvents(boolean v) { return new EmulatorOptions(name, port, adminUsername, adminPassword, externalHost, auditLogEnabled, webhookRetryDelay, v, tls, sessionTimeout); }
    public EmulatorOptions withWebhookRetryDelay(Duration v) { return new EmulatorOptions(name, port, adminUsername, adminPassword, externalHost, auditLogEnabled, v, memberAuditEvents, tls, sessionTimeout); }
    public EmulatorOptions withSessionTimeout(Duration v) { return new EmulatorOptions(name, port, adminUsername, adminPassword, externalHost, auditLogEnabled, webhookRetryDelay, memberAuditEvents, tls, v); }
    /** Serve HTTPS with this key store's key entry instead of plain HTTP. */
    public EmulatorOptions withTls(KeyStore keyStore, char[] password) { return new EmulatorOptions(name, port, adminUsername, adminPassword, externalHost, auditLogEnabled, webhookRetryDelay, memberAuditEvents, new Tls(keyStore, password), sessionTimeout); }
}
