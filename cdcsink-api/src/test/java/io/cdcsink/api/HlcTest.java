package io.cdcsink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HlcTest {
    @ParameterizedTest
    @ValueSource(strings = {"", ".", "1233", ".1233", "123.123", "0.0", "1.2.3", "-1.0", "1.", "a.0",
            "99999999999999999999.0", "1.9999999999"})
    void rejectsMalformedTimestamps(String text) {
        assertThatThrownBy(() -> Hlc.parse(text)).isInstanceOf(BadInputException.class);
    }

    @Test
    void parsesCockroachFormats() {
        assertThat(Hlc.parse("1586019746136571000.0000000000")).isEqualTo(new Hlc(1586019746136571000L, 0));
        assertThat(Hlc.parse("1586019746136571000.0000000001")).isEqualTo(new Hlc(1586019746136571000L, 1));
        assertThat(Hlc.parse("9223372036854775807.2147483647")).isEqualTo(new Hlc(Long.MAX_VALUE, Integer.MAX_VALUE));
        assertThat(Hlc.parse("10.0")).isEqualTo(new Hlc(10, 0));
    }

    @Test
    void ordersByNanosThenLogical() {
        assertThat(new Hlc(1, 5)).isLessThan(new Hlc(2, 0));
        assertThat(new Hlc(2, 1)).isGreaterThan(new Hlc(2, 0));
        assertThat(new Hlc(2, 1).isAfter(new Hlc(2, 0))).isTrue();
        assertThat(Hlc.ZERO.isBefore(new Hlc(1, 0))).isTrue();
    }

    @Test
    void printsLogicalPaddedToTenDigits() {
        assertThat(new Hlc(15, 1).toString()).isEqualTo("15.0000000001");
        assertThat(Hlc.parse(new Hlc(15, 1).toString())).isEqualTo(new Hlc(15, 1));
    }

    @Test
    void nullDataIsADelete() {
        assertThat(new Mutation(new Hlc(1, 0), "[1]", Optional.of("null")).isDelete()).isTrue();
        assertThat(Mutation.upsert(new Hlc(1, 0), "[1]", "{\"a\":1}").isDelete()).isFalse();
        assertThatThrownBy(() -> Mutation.delete(new Hlc(1, 0), "")).isInstanceOf(BadInputException.class);
    }
}
