package dev.rewind.auth;

import dev.rewind.config.Commands;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;

/**
 * The operator's {@code token} command: creates, lists and revokes API tokens against the same
 * catalog and keys as the server, with the same configuration.
 *
 * <pre>
 * token create --scope streams:write [--scope streams:read] --ttl 90d [--description TEXT]
 * token list
 * token revoke ID
 * </pre>
 *
 * A created token is the only thing written to standard output, so that scripts can capture it;
 * everything else goes to standard error.
 */
public final class TokenCommand {
    static final String USAGE =
            """
            usage: java -jar rewind.jar token create --scope SCOPE [--scope SCOPE] --ttl DURATION \
            [--description TEXT]
                   java -jar rewind.jar token list
                   java -jar rewind.jar token revoke ID
            SCOPE is streams:read or streams:write; DURATION is like 90d, 12h or 30m.
            Settings such as --rewind.data-dir=... or REWIND_* environment variables apply as for
            the server.\
            """;

    private final PrintStream out;
    private final PrintStream err;

    TokenCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs {@code token ...} and returns the process exit code. Standard output is kept for the
     * result: while the command runs, anything else written to it (log lines) goes to standard
     * error.
     */
    public static int run(Class<?> application, String[] args) {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return new TokenCommand(stdout, System.err).execute(application, args);
        } finally {
            System.setOut(stdout);
        }
    }

    int execute(Class<?> application, String[] args) {
        Invocation invocation;
        try {
            invocation = Invocation.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("rewind token: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (ConfigurableApplicationContext context = start(application, invocation.settings())) {
            ApiTokens tokens = context.getBean(ApiTokens.class);
            return invocation.apply(tokens, this).toFuture().join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            err.println("rewind token: " + cause.getMessage());
            return cause instanceof IllegalArgumentException ? 2 : 1;
        }
    }

    private static ConfigurableApplicationContext start(
            Class<?> application, List<String> settings) {
        return new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(
                        Commands.COMMAND_PROPERTY + "=token",
                        "logging.level.root=WARN",
                        // a command needs a handful of beans: create only those it uses
                        "spring.main.lazy-initialization=true",
                        // the readiness group names the storage check, which commands do not have
                        "management.endpoint.health.validate-group-membership=false")
                .run(settings.toArray(String[]::new));
    }

    Mono<Integer> create(ApiTokens tokens, List<String> scopes, Duration ttl, String description) {
        return tokens.mint(scopes, ttl, description)
                .map(
                        minted -> {
                            out.println(minted.token());
                            err.printf(
                                    "Created API token %s (%s), expires %s; revoke it with"
                                            + " 'token revoke %s'.%n",
                                    minted.id(),
                                    String.join(" ", minted.scopes()),
                                    minted.expiresAt(),
                                    minted.id());
                            return 0;
                        });
    }

    Mono<Integer> list(ApiTokens tokens) {
        return tokens.listUnexpired()
                .doOnNext(
                        token ->
                                out.printf(
                                        "%s  %-27s  expires %s%s%s%n",
                                        token.id(),
                                        String.join(" ", token.scopes()),
                                        token.expiresAt(),
                                        token.revokedAt() == null
                                                ? ""
                                                : "  revoked " + token.revokedAt(),
                                        token.description() == null
                                                ? ""
                                                : "  " + token.description()))
                .then(Mono.just(0));
    }

    Mono<Integer> revoke(ApiTokens tokens, String id) {
        return tokens.revoke(id)
                .map(
                        found -> {
                            err.println(found ? "Revoked API token " + id : "No API token " + id);
                            return found ? 0 : 1;
                        });
    }

    /** The parsed command line: what to do, and the settings to pass on to Spring. */
    private record Invocation(
            String action,
            List<String> scopes,
            Duration ttl,
            String description,
            String id,
            List<String> settings) {

        static Invocation parse(String[] args) {
            if (args.length < 2) {
                throw new IllegalArgumentException("missing action (create, list or revoke)");
            }
            List<String> scopes = new ArrayList<>();
            List<String> settings = new ArrayList<>();
            List<String> positional = new ArrayList<>();
            Duration ttl = null;
            String description = null;
            for (int i = 2; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--scope" -> scopes.addAll(scopes(value(args, ++i, arg)));
                    case "--ttl" -> ttl = parseTtl(value(args, ++i, arg));
                    case "--description" -> description = description(value(args, ++i, arg));
                    default -> {
                        if (arg.startsWith("--") && arg.contains("=")) {
                            settings.add(arg);
                        } else if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        } else {
                            positional.add(arg);
                        }
                    }
                }
            }
            return switch (args[1]) {
                case "create" -> {
                    noneLeft(positional);
                    if (scopes.isEmpty() || ttl == null) {
                        throw new IllegalArgumentException("create needs --scope and --ttl");
                    }
                    yield new Invocation("create", scopes, ttl, description, null, settings);
                }
                case "list" -> {
                    noneLeft(positional);
                    yield new Invocation("list", scopes, null, null, null, settings);
                }
                case "revoke" -> {
                    if (positional.size() != 1) {
                        throw new IllegalArgumentException("revoke needs exactly one token id");
                    }
                    yield new Invocation("revoke", scopes, null, null, positional.get(0), settings);
                }
                default ->
                        throw new IllegalArgumentException(
                                "unknown action " + args[1] + " (expected create, list or revoke)");
            };
        }

        Mono<Integer> apply(ApiTokens tokens, TokenCommand command) {
            return switch (action) {
                case "create" -> command.create(tokens, scopes, ttl, description);
                case "list" -> command.list(tokens);
                default -> command.revoke(tokens, id);
            };
        }

        private static void noneLeft(List<String> positional) {
            if (!positional.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument " + positional.get(0));
            }
        }

        private static List<String> scopes(String value) {
            return Arrays.stream(value.strip().split("[ ,]+")).filter(s -> !s.isEmpty()).toList();
        }

        /** A description is shown on one line of {@code token list}; keep it to one. */
        private static String description(String value) {
            if (value.length() > 200 || value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(
                        "--description must be one line of at most 200 characters");
            }
            return value;
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static Duration parseTtl(String text) {
            try {
                return DurationStyle.detectAndParse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--ttl " + text + " (expected a duration such as 90d, 12h or 30m)");
            }
        }
    }
}
