package dev.rewind.auth;

import dev.rewind.config.Commands;
import dev.rewind.config.EmbeddedPostgres;
import dev.rewind.config.RewindProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Chooses the master key: the configured one; in embedded mode, one generated into the data
 * directory by the server (an operator command only reads it); with an external database and none
 * configured, start-up fails and says what to set.
 */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfiguration {
    private static final Logger log = LoggerFactory.getLogger(MasterKeyConfiguration.class);

    @Bean
    MasterKey masterKey(
            SigningKeyProperties properties,
            RewindProperties rewind,
            ObjectProvider<EmbeddedPostgres> embedded,
            Environment environment)
            throws IOException {
        if (properties.masterKey() != null && !properties.masterKey().isBlank()) {
            return MasterKey.fromBase64(properties.masterKey(), "rewind.security.master-key");
        }
        if (embedded.getIfAvailable() == null) {
            throw new IllegalStateException(
                    "rewind.security.master-key is not set. With an external database every"
                            + " replica must seal and open signing keys with the same master key:"
                            + " set REWIND_SECURITY_MASTER_KEY to 32 random bytes in base64, for"
                            + " example the output of 'openssl rand -base64 32'.");
        }
        Path file = rewind.dataDir().resolve("master.key");
        if (environment.containsProperty(Commands.COMMAND_PROPERTY) && !Files.exists(file)) {
            throw new IllegalStateException(
                    "no master key in "
                            + file.toAbsolutePath().normalize()
                            + "; run the command where the server runs, or give it the server's"
                            + " --rewind.data-dir");
        }
        return generatedKey(file);
    }

    private static MasterKey generatedKey(Path file) throws IOException {
        EmbeddedPostgres.createPrivateDirectory(file.getParent());
        if (Files.exists(file)) {
            log.warn(
                    "No rewind.security.master-key configured: using the one generated in {}",
                    file.toAbsolutePath().normalize());
            return MasterKey.fromBase64(Files.readString(file), file.toString());
        }
        Files.writeString(
                Files.createFile(
                        file,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------"))),
                MasterKey.generateBase64());
        log.warn(
                "No rewind.security.master-key configured: generated one into {}; fine on one"
                        + " machine, but set the property for any real deployment",
                file.toAbsolutePath().normalize());
        return MasterKey.fromBase64(Files.readString(file), file.toString());
    }
}
