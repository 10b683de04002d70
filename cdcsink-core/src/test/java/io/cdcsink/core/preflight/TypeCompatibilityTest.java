package io.cdcsink.core.preflight;

import io.cdcsink.api.preflight.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeCompatibilityTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "character varying(20)|text",
        "text|character varying(10)",
        "integer|bigint",
        "int(11)|integer",
        "smallint|integer",
        "int unsigned|bigint",
        "tinyint(3) unsigned|smallint",
        "mediumint unsigned|integer",
        "bigint unsigned|numeric(20,0)",
        "integer|numeric(10,2)",
        "bigint|double precision",
        "datetime(6)|timestamp without time zone",
        "timestamp|timestamp with time zone",
        "timestamp(3) with time zone|timestamptz",
        "time(6)|interval",
        "enum('a','b')|text",
        "set('x','y')|text",
        "json|jsonb",
        "longblob|bytea",
        "varbinary(16)|bytea",
        "bit(8)|bit varying(8)",
        "double|double precision",
        "float|real",
        "decimal(10,2)|numeric(10,2)",
        "tinyint(1)|smallint",
        "uuid|text",
        "integer[]|bigint[]",
        "mood|\"public\".\"mood\"",
        "year|smallint",
        "date|date",
    })
    void compatibleTypesAreOk(String source, String target) {
        assertThat(TypeCompatibility.compare(source, target).severity()).isEqualTo(Severity.OK);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "text|integer",
        "integer|text",
        "bigint|integer",
        "int unsigned|integer",
        "bigint unsigned|bigint",
        "numeric(10,2)|integer",
        "double precision|numeric",
        "datetime|date",
        "json|text",
        "boolean|integer",
        "integer[]|integer",
        "mood|text",
        "geometry|\"public\".\"geography\"",
    })
    void otherPairsWarn(String source, String target) {
        TypeCompatibility.Verdict verdict = TypeCompatibility.compare(source, target);
        assertThat(verdict.severity()).isEqualTo(Severity.WARN);
        assertThat(verdict.reason()).contains(source).contains(target);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "character varying(20)|character varying",
        "\"Int\"|int",
        "timestamp(3) with time zone|timestamp with time zone",
        "int(10) unsigned zerofill|int unsigned",
        "integer []|integer[]",
    })
    void normalizeDropsModifiersQuotesAndCase(String raw, String normalized) {
        assertThat(TypeCompatibility.normalize(raw)).isEqualTo(normalized);
    }
}
