package com.certyneo.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public type, constructor, method or field that is not part of the engine's stable API: the engine's
 * own modules use it, callers should not, and it may change or disappear in any release. The public API guard
 * of the build ({@code tools/ApiGuard.java}, the {@code api/*.api} baselines) leaves it out.
 *
 * <p>Its main use is the canonical constructor of a record: Java makes it public, and adding a component to the
 * record changes it. Results the engine creates ({@link SigningResult}, {@link ValidationReport}, …) are built
 * by callers, in tests and fakes, with their {@code builder()}; requests and values with their builders and
 * factories ({@link SignRequest#builder()}, {@link VisibleAppearance#of}, {@link Signer#of}, …). Those stay
 * compatible when a component is added; the canonical constructors do not.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.CONSTRUCTOR, ElementType.METHOD, ElementType.FIELD})
public @interface InternalApi {
}
