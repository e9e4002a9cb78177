package dev.rewind.api;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A stream title: one line of 1 to 200 characters (Unicode code points) once surrounding spaces are
 * removed, without control characters or unpaired surrogates. Null passes; whether a title is
 * required is for the request to say.
 */
@Constraint(validatedBy = Title.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@interface Title {
    int MAX_LENGTH = 200;

    String message() default "must be one line of 1 to 200 characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Names what is wrong with a title (in messages without braces; see StreamRequests). */
    class Validator implements ConstraintValidator<Title, String> {
        @Override
        public boolean isValid(String title, ConstraintValidatorContext context) {
            if (title == null) {
                return true;
            }
            String problem = problem(StreamRequests.normalizeTitle(title));
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            return false;
        }

        private static String problem(String title) {
            if (title.isEmpty()) {
                return "must not be blank";
            }
            if (title.codePointCount(0, title.length()) > MAX_LENGTH) {
                return "must be at most 200 characters";
            }
            for (int i = 0; i < title.length(); i++) {
                char c = title.charAt(i);
                if (Character.isISOControl(c)) {
                    return "must be a single line without control characters";
                }
                if (Character.isHighSurrogate(c)
                        && i + 1 < title.length()
                        && Character.isLowSurrogate(title.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return "must be valid Unicode text";
                }
            }
            return null;
        }
    }
}
