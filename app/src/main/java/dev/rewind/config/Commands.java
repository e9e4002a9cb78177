package dev.rewind.config;

/** How an operator command (such as {@code token create}) tells the context it is not a server. */
public final class Commands {
    /** Set to the command's name while a command runs. */
    public static final String COMMAND_PROPERTY = "rewind.command";

    private Commands() {}
}
