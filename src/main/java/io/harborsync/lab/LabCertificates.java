package io.harborsync.lab;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The lab's TLS material, made with BouncyCastle: a CA and one server certificate it signs for every lab
 * host name. Files in the certificate directory:
 * <ul>
 * <li>{@code ca.pem}, {@code ca-key.pem}: the CA;</li>
 * <li>{@code harbor.pem}: the server certificate followed by the CA certificate. Envoy serves it as the
 * chain, and it is the file users trust ({@code curl --cacert cert/harbor.pem}, a JVM trust store, Docker's
 * certs.d): it holds the CA, so trusting it works with every TLS client;</li>
 * <li>{@code harbor-key.pem}: the server key.</li>
 * </ul>
 * Existing files are reused while they fit the profile and are not about to expire, so a second run changes
 * nothing; an expiring server certificate is re-issued by the same CA, so users keep their trust.
 */
final class LabCertificates {
    static final String CA = "ca.pem";
    static final String CA_KEY = "ca-key.pem";
    static final String CHAIN = "harbor.pem";
    static final String KEY = "harbor-key.pem";
    private static final String SIGNATURE = "SHA256withRSA";

    record Ca(String commonName, int validityDays) {
    }

    record Server(String commonName, List<String> dnsNames, int validityDays) {
    }

    record Profile(Ca ca, Server server, int renewBeforeDays) {
        static Profile read(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new LabException("certificate profile not found: " + file + " (harbor-sync.lab.cert-profile)");
            }
            Profile p;
            try {
                p = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                        .readValue(file.toFile(), Profile.class);
            } catch (IOException e) {
                throw new LabException("cannot read the certificate profile " + file + ": " + e.getMessage(), e);
            }
            if (p.ca == null || p.server == null || p.server.dnsNames == null || p.ca.validityDays <= 0
                    || p.server.validityDays <= 0) {
                throw new LabException("certificate profile " + file + " needs ca.commonName/validityDays and "
                        + "server.commonName/dnsNames/validityDays");
            }
            List<String> missing = LabNames.hostNames().stream().filter(h -> !p.server.dnsNames.contains(h)).toList();
            if (!missing.isEmpty()) {
                throw new LabException("certificate profile " + file + " lacks the lab host names " + missing);
            }
            return p;
        }
    }

    /** The PEM texts the secrets carry, and what this run did to the files. */
    record Material(String caPem, String chainPem, String keyPem, String change) {
    }

    private LabCertificates() {
    }

    static Material ensure(Path dir, Profile profile, Clock clock) throws IOException, GeneralSecurityException {
        Instant now = clock.instant();
        Instant renewBy = now.plus(Duration.ofDays(profile.renewBeforeDays()));
        createPrivateDir(dir);
        Existing ca = Existing.ca(dir, profile, renewBy);
        String change;
        if (ca == null) {
            KeyPair caKeys = rsa();
            X509Certificate caCert = caCertificate(profile.ca(), caKeys, now);
            writeKey(dir.resolve(CA_KEY), caKeys.getPrivate());
            write(dir.resolve(CA), pem(caCert));
            ca = new Existing(caCert, caKeys.getPrivate());
            change = "generated a new CA and certificate";
        } else if (serverStillGood(dir, profile, ca, renewBy)) {
            keepPrivate(dir.resolve(CA_KEY));
            keepPrivate(dir.resolve(KEY));
            return new Material(Files.readString(dir.resolve(CA)), Files.readString(dir.resolve(CHAIN)),
                    Files.readString(dir.resolve(KEY)), null);
        } else {
            change = "issued a new certificate";
        }
        KeyPair serverKeys = rsa();
        X509Certificate server = serverCertificate(profile.server(), serverKeys.getPublic(), ca, now);
        writeKey(dir.resolve(KEY), serverKeys.getPrivate());
        write(dir.resolve(CHAIN), pem(server) + pem(ca.cert()));
        return new Material(Files.readString(dir.resolve(CA)), Files.readString(dir.resolve(CHAIN)),
                Files.readString(dir.resolve(KEY)), change);
    }

    /** A CA read back from the directory, or null when missing, unreadable, expiring or not matching its key. */
    private record Existing(X509Certificate cert, PrivateKey key) {
        static Existing ca(Path dir, Profile profile, Instant renewBy) {
            try {
                List<X509Certificate> certs = readCertificates(dir.resolve(CA));
                PrivateKey key = readKey(dir.resolve(CA_KEY));
                if (certs.size() != 1 || key == null) {
                    return null;
                }
                X509Certificate cert = certs.get(0);
                boolean fits = cert.getBasicConstraints() >= 0 && cert.getNotAfter().toInstant().isAfter(renewBy)
                        && new X500Name(cert.getSubjectX500Principal().getName()).equals(name(profile.ca().commonName()))
                        && matches(key, cert.getPublicKey());
                return fits ? new Existing(cert, key) : null;
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                return null;
            }
        }
    }

    private static boolean serverStillGood(Path dir, Profile profile, Existing ca, Instant renewBy) {
        try {
            List<X509Certificate> chain = readCertificates(dir.resolve(CHAIN));
            PrivateKey key = readKey(dir.resolve(KEY));
            if (chain.size() != 2 || key == null || !chain.get(1).equals(ca.cert())) {
                return false;
            }
            X509Certificate server = chain.get(0);
            server.verify(ca.cert().getPublicKey());
            return server.getNotAfter().toInstant().isAfter(renewBy)
                    && dnsNames(server).equals(new HashSet<>(profile.server().dnsNames()))
                    && matches(key, server.getPublicKey());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static Set<String> dnsNames(X509Certificate cert) throws GeneralSecurityException {
        Set<String> names = new HashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (Integer.valueOf(GeneralName.dNSName).equals(san.get(0))) {
                    names.add((String) san.get(1));
                }
            }
        }
        return names;
    }

    private static boolean matches(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
        byte[] probe = "harbor-sync".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(SIGNATURE);
        sign.initSign(key);
        sign.update(probe);
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance(SIGNATURE);
        verify.initVerify(pub);
        verify.update(probe);
        return verify.verify(sig);
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X500Name name(String commonName) {
        return new X500Name("CN=" + commonName);
    }

    private static X509Certificate caCertificate(Ca profile, KeyPair keys, Instant now)
            throws GeneralSecurityException, IOException {
        X500Name subject = name(profile.commonName());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(profile.validityDays()))),
                subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(b, keys.getPrivate());
    }

    private static X509Certificate serverCertificate(Server profile, PublicKey key, Existing ca, Instant now)
            throws GeneralSecurityException, IOException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        Instant notAfter = now.plus(Duration.ofDays(profile.validityDays()));
        if (notAfter.isAfter(ca.cert().getNotAfter().toInstant())) {
            notAfter = ca.cert().getNotAfter().toInstant();
        }
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter), name(profile.commonName()), key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                profile.dnsNames().stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
        return sign(b, ca.key());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(SIGNATURE).build(key));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the certificate", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    certs.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        }
        return certs;
    }

    static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            return null;
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(object);
        }
        return out.toString();
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static void createPrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
    }

    /** Writes a key into a file that is 0600 from the start, so the key is never readable by others. */
    private static void writeKey(Path file, PrivateKey key) throws IOException {
        Files.deleteIfExists(file);
        if (posix()) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, pem(new JcaPKCS8Generator(key, null)));
    }

    private static void keepPrivate(Path file) throws IOException {
        if (posix() && !Files.getPosixFilePermissions(file).equals(Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
