package io.cdcsink.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.api.TableName;
import org.junit.jupiter.api.Test;

class TargetDialectTest {
    @Test
    void qualifiesPerProduct() {
        TableName t = new TableName("db", "sch", "t\"x");
        assertThat(TargetDialect.of(TargetDialect.Product.POSTGRESQL).qualify(t)).isEqualTo("\"sch\".\"t\"\"x\"");
        assertThat(TargetDialect.of(TargetDialect.Product.COCKROACHDB).qualify(t))
                .isEqualTo("\"db\".\"sch\".\"t\"\"x\"");
    }
}
