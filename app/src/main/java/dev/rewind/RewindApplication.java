package dev.rewind;

import dev.rewind.auth.TokenCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Rewind, the secure live DVR: {@code java -jar rewind.jar} runs the server, and {@code java -jar
 * rewind.jar token ...} runs the operator's token command.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RewindApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(RewindApplication.class, args));
        }
        SpringApplication.run(RewindApplication.class, args);
    }
}
