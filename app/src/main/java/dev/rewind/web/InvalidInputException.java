package dev.rewind.web;

/**
 * A request input (path variable, query parameter, body field) that is not acceptable; answered as
 * a 400 problem naming the field and what was expected.
 */
public class InvalidInputException extends RuntimeException {
    private final String field;
    private final String expectation;

    public InvalidInputException(String field, String expectation) {
        super(field + ": " + expectation);
        this.field = field;
        this.expectation = expectation;
    }

    public String field() {
        return field;
    }

    public String expectation() {
        return expectation;
    }
}
