package dev.rewind.api;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Days a stream's broadcasts are kept: 1 to 3650. */
@Min(1)
@Max(StreamRequests.MAX_RETENTION_DAYS)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@interface RetentionDays {
    String message() default "must be between 1 and 3650";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
