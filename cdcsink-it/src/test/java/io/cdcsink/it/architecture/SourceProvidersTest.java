package io.cdcsink.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.SourceProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The built-in sources plug in exactly as a third party's: {@link ServiceLoader} finds each by its name. */
class SourceProvidersTest {
    @Test
    void everySourceIsFoundByServiceLoader() {
        assertThat(ServiceLoader.load(SourceProvider.class).stream().map(p -> p.get().name()))
                .contains("webhook", "pglogical", "mylogical", "journal", "kafka", "objstore").doesNotHaveDuplicates();
    }
}
