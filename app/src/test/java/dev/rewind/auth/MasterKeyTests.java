package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MasterKeyTests {
    private final MasterKey key = MasterKey.fromBase64(MasterKey.generateBase64(), "test");

    @Test
    void sealedValuesOpenWithTheSameKeyAndKid() {
        byte[] secret = "{\"d\":\"private\"}".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = key.seal("kid-1", secret);

        assertThat(sealed).hasSize(12 + secret.length + 16);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("private");
        assertThat(key.open("kid-1", sealed)).isEqualTo(secret);
        assertThat(key.seal("kid-1", secret)).isNotEqualTo(sealed);
    }

    @Test
    void aSealedValueMovedToAnotherKidDoesNotOpen() {
        byte[] sealed = key.seal("kid-1", new byte[] {1, 2, 3});

        assertThatThrownBy(() -> key.open("kid-2", sealed))
                .hasMessageContaining("signing key kid-2 does not open with this master key");
    }

    @Test
    void anotherMasterKeyCannotOpenIt() {
        byte[] sealed = key.seal("kid-1", new byte[] {1, 2, 3});
        MasterKey other = MasterKey.fromBase64(MasterKey.generateBase64(), "test");

        assertThatThrownBy(() -> other.open("kid-1", sealed))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void configuredKeysMustBe32BytesOfBase64() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> MasterKey.fromBase64(shortKey, "rewind.security.master-key"))
                .hasMessage("rewind.security.master-key decodes to 16 bytes (expected 32)");
        assertThatThrownBy(() -> MasterKey.fromBase64("not base64!", "rewind.security.master-key"))
                .hasMessage("rewind.security.master-key is not valid base64");
    }
}
