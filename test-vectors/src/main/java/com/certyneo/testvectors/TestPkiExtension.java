package com.certyneo.testvectors;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that injects a {@link TestPki} (served by a {@link TestPkiServer}) or the
 * {@link TestPkiServer} itself into test constructors, lifecycle methods and test methods:
 *
 * <pre>{@code
 * @ExtendWith(TestPkiExtension.class)
 * class MySigningTest {
 *     @Test
 *     void signs(TestPki pki) { ... pki.signer(Kind.GOOD, KeyType.EC_P256) ... pki.tsaUrl(1) ... }
 * }
 * }</pre>
 *
 * <p>One server with the {@linkplain TestPki#DEFAULT_SEED default seed} is started lazily and shared by
 * every test class of the run; JUnit stops it when the run ends. For another seed or clock, use
 * {@code @RegisterExtension static TestPkiServer pki = TestPkiServer.start(seed);} instead.
 */
public final class TestPkiExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestPkiExtension.class);

    /** Creates the extension (JUnit does this for {@code @ExtendWith}). */
    public TestPkiExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestPki.class || type == TestPkiServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestPkiServer server = extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, k -> new Shared(TestPkiServer.start()), Shared.class).server;
        return parameterContext.getParameter().getType() == TestPki.class ? server.pki() : server;
    }

    /** Holds the shared server so that both old (CloseableResource) and new (AutoCloseable) JUnit close it. */
    @SuppressWarnings("deprecation")
    private record Shared(TestPkiServer server) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}
