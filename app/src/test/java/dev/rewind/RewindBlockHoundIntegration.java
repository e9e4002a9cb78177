package dev.rewind;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The few calls BlockHound flags that do not block in fact. Each needs a reason; anything else that
 * blocks an event loop fails the tests.
 */
public class RewindBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // SecureRandom's default source reads /dev/urandom, which never waits for entropy on
        // Linux; PostgreSQL's SCRAM nonces, key generation and ids draw from it.
        builder.allowBlockingCallsInside(
                "sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
    }
}
