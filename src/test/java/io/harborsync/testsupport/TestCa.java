package io.harborsync.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway certificate authority and one server certificate it signed for {@code localhost} and
 * {@code 127.0.0.1}, made with the JDK's keytool (the JDK has no public API to sign certificates).
 * {@link #caPem()} is what a site's {@code ca-file} would hold; {@link #serverKeyStore()} is what an
 * HTTPS emulator serves ({@code EmulatorOptions.withTls(ca.serverKeyStore(), ca.password())}).
 */
public final class TestCa {
    private static final String PASS = "changeit";

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA and the server certificate in a new temporary directory (7 keytool runs, a few seconds). */
    public static TestCa create(String name) {
        try {
            Path dir = Files.createTempDirectory("harbor-sync-ca-" + name);
            String ca = dir.resolve("ca.p12").toString();
            String server = dir.resolve("server.p12").toString();
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=harbor-sync test CA " + name, "-ext", "bc:c",
                    "-keystore", ca, "-storetype", "PKCS12", "-storepass", PASS);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", PASS,
                    "-file", dir.resolve("ca.pem").toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-keystore", server, "-storetype", "PKCS12", "-storepass", PASS);
            keytool("-certreq", "-alias", "server", "-keystore", server, "-storepass", PASS,
                    "-file", dir.resolve("server.csr").toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", PASS, "-validity", "2",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "ku:c=digitalSignature,keyEncipherment",
                    "-ext", "eku=serverAuth",
                    "-infile", dir.resolve("server.csr").toString(), "-outfile", dir.resolve("server.pem").toString());
            // The CA first, so that keytool can chain the signed reply to it in the server key entry.
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                    "-keystore", server, "-storepass", PASS);
            keytool("-importcert", "-alias", "server", "-file", dir.resolve("server.pem").toString(),
                    "-keystore", server, "-storepass", PASS);
            return new TestCa(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA certificate as PEM: a site's ca-file. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** PKCS12 with the server key entry (alias "server", chain server → CA) and the CA as a trusted entry. */
    public KeyStore serverKeyStore() {
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test server key store", e);
        }
    }

    public char[] password() {
        return PASS.toCharArray();
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
