package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/** The RTMPS certificate: configured PEM files with their chain, or a self-signed one. */
class IngestTlsTests {
    @TempDir Path directory;

    private DisposableServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void configuredPemFilesServeTheWholeChainOverTls12AndLaterOnly() throws Exception {
        KeyPair caKeys = keys();
        KeyPair leafKeys = keys();
        X509Certificate ca = certificate("CN=Test CA", caKeys, "CN=Test CA", caKeys, true);
        X509Certificate leaf = certificate("CN=ingest.test", leafKeys, "CN=Test CA", caKeys, false);
        Path chain = directory.resolve("chain.pem");
        Files.writeString(
                chain,
                IngestTls.pem("CERTIFICATE", leaf.getEncoded())
                        + IngestTls.pem("CERTIFICATE", ca.getEncoded()));
        Path key = directory.resolve("key.pem");
        Files.writeString(key, IngestTls.pem("PRIVATE KEY", leafKeys.getPrivate().getEncoded()));

        SslContext context =
                IngestTls.context(new IngestProperties.Tls(chain, key), directory, "x");
        int port = listen(context);

        try (SSLSocket socket = connect(port, "TLSv1.2")) {
            Certificate[] served = socket.getSession().getPeerCertificates();
            assertThat(served).containsExactly(leaf, ca);
        }
        // the JDK's own client refuses TLS 1.1, so the server's floor is read from its engine
        assertThat(context.newEngine(ByteBufAllocator.DEFAULT).getEnabledProtocols())
                .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    }

    @Test
    void withoutFilesASelfSignedCertificateNamesTheHostAndItsKeyIsTheOwnersOnly() throws Exception {
        int port =
                listen(
                        IngestTls.context(
                                new IngestProperties.Tls(null, null), directory, "10.1.2.3"));

        try (SSLSocket socket = connect(port, "TLSv1.3")) {
            var served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(subjectAlternativeNames(served))
                    .contains(List.of(7, "10.1.2.3"), List.of(2, "localhost"));
        }
        Path key = directory.resolve("tls/rtmps-self-signed.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() {
        Path certificate = directory.resolve("only.pem");

        assertThatThrownBy(
                        () ->
                                IngestTls.context(
                                        new IngestProperties.Tls(certificate, null),
                                        directory,
                                        "x"))
                .hasMessageContaining("must be set together");
    }

    private int listen(SslContext context) {
        server =
                TcpServer.create()
                        .host("127.0.0.1")
                        .port(0)
                        .secure(ssl -> ssl.sslContext(context))
                        .handle((in, out) -> in.receive().then())
                        .bindNow();
        return server.port();
    }

    /** Connects trusting any certificate, with one TLS version, and completes the handshake. */
    private static SSLSocket connect(int port, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        var socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        socket.setEnabledProtocols(new String[] {protocol});
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    private static List<List<Object>> subjectAlternativeNames(X509Certificate certificate)
            throws CertificateParsingException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        return names.stream().map(name -> List.<Object>copyOf(name)).toList();
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(
            String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        var builder =
                new JcaX509v3CertificateBuilder(
                        new X500Name(issuer),
                        BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minus(Duration.ofHours(1))),
                        Date.from(now.plus(Duration.ofDays(1))),
                        new X500Name(subject),
                        subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        var holder =
                builder.build(
                        new JcaContentSignerBuilder("SHA256withECDSA")
                                .build(issuerKeys.getPrivate()));
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(holder);
    }

    /** The test checks what is served, not whether a client would trust it. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
