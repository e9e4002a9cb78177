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

/** Seconds of a live broadcast viewers can rewind: 0 (all of it) to a day. */
@Min(0)
@Max(StreamRequests.MAX_DVR_WINDOW_SECONDS)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@interface DvrWindow {
    String message() default "must be between 0 and 86400";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
