package org.deltaprop.backend.simd;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A test run once at each vector width of {@link SimdWidths#all}, which it takes as its parameter (bits). */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}-bit")
@MethodSource("org.deltaprop.backend.simd.SimdWidths#all")
@interface EveryWidth {
}
