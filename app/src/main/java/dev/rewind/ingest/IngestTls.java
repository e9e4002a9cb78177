package dev.rewind.ingest;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMPS certificate: the configured PEM files, or a self-signed certificate kept under the data
 * directory so that it stays the same across restarts.
 */
final class IngestTls {
    private static final Logger log = LoggerFactory.getLogger(IngestTls.class);
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private IngestTls() {}

    static SslContext context(IngestProperties.Tls tls, Path dataDir, String publicHost)
            throws IOException {
        Path certificate = tls.certificate();
        Path privateKey = tls.privateKey();
        if (certificate == null || privateKey == null) {
            if (certificate != null || privateKey != null) {
                throw new IllegalStateException(
                        "rewind.ingest.tls.certificate and "
                                + "rewind.ingest.tls.private-key must be set together");
            }
            Path directory = dataDir.resolve("tls");
            certificate = directory.resolve("rtmps-self-signed.crt");
            privateKey = directory.resolve("rtmps-self-signed.key");
            selfSigned(certificate, privateKey, publicHost);
            log.warn(
                    "RTMPS uses a self-signed certificate ({}): encoders that check certificates "
                            + "will refuse it; set rewind.ingest.tls.certificate and "
                            + "rewind.ingest.tls.private-key",
                    certificate);
        }
        return build(certificate, privateKey);
    }

    private static SslContext build(Path certificate, Path privateKey) throws SSLException {
        return SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    }

    private static void selfSigned(Path certificate, Path privateKey, String host)
            throws IOException {
        if (Files.exists(certificate)
                && Files.exists(privateKey)
                && Files.getLastModifiedTime(certificate)
                        .toInstant()
                        .isAfter(Instant.now().minus(VALIDITY.minusDays(30)))) {
            return;
        }
        Files.createDirectories(certificate.getParent());
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            Files.deleteIfExists(privateKey);
            Files.createFile(privateKey, OWNER_ONLY);
            Files.writeString(privateKey, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            Files.writeString(certificate, pem("CERTIFICATE", certificate(keys, host)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the RTMPS certificate", e);
        }
    }

    private static byte[] certificate(KeyPair keys, String host)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        X500Name name = new X500Name("CN=Rewind RTMPS (self-signed)");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder =
                new JcaX509v3CertificateBuilder(
                        name,
                        new BigInteger(64, new SecureRandom()),
                        Date.from(now.minus(Duration.ofHours(1))),
                        Date.from(now.plus(VALIDITY)),
                        name,
                        keys.getPublic());
        builder.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(
                        new GeneralName[] {
                            isIpAddress(host)
                                    ? new GeneralName(
                                            GeneralName.iPAddress, host.replaceAll("[\\[\\]]", ""))
                                    : new GeneralName(GeneralName.dNSName, host),
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                        }));
        return builder.build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();
    }

    private static boolean isIpAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    static String pem(String type, byte[] der) {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
