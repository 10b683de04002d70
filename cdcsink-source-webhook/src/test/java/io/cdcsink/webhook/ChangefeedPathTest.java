package io.cdcsink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangefeedPathTest {
    private final ChangefeedPathParser parser = new ChangefeedPathParser();
    private static final String PRELUDE = "202004022058072107140000000000000-56087568dba1e6b8-1-72-00000000-";

    @Test
    void webhookPathNamesTheSchema() {
        assertThat(parser.parse("/db/public"))
                .contains(new ChangefeedPath.Webhook(new SchemaName("db", "public")));
    }

    @Test
    void webhookPathAcceptsATrailingSlash() {
        assertThat(parser.parse("/db/public/"))
                .contains(new ChangefeedPath.Webhook(new SchemaName("db", "public")));
    }

    @Test
    void segmentsArePercentDecodedAfterSplitting() {
        assertThat(parser.parse("/my%20db/a%2Fb+c"))
                .contains(new ChangefeedPath.Webhook(new SchemaName("my db", "a/b+c")));
    }

    @Test
    void ndjsonFileNamesTheTableFromTheTopic() {
        assertThat(parser.parse("/targetDB/targetSchema/2020-04-02/" + PRELUDE + "test_table-1.ndjson"))
                .contains(new ChangefeedPath.NdjsonFile(new TableName("targetDB", "targetSchema", "test_table"),
                        "test_table", "1"));
        assertThat(parser.parse("/db/public/2020-04-02/" + PRELUDE + "test_table-1f.ndjson"))
                .contains(new ChangefeedPath.NdjsonFile(new TableName("db", "public", "test_table"),
                        "test_table", "1f"));
    }

    @Test
    void ndjsonTopicQualifiersAreIgnoredInFavourOfThePath() {
        assertThat(parser.parse("/db/public/2020-04-02/" + PRELUDE
                + "ignored_db.ignored_schema.test_table-1f.ndjson"))
                .hasValueSatisfying(p -> assertThat(((ChangefeedPath.NdjsonFile) p).table())
                        .isEqualTo(new TableName("db", "public", "test_table")));
    }

    @Test
    void ndjsonTopicMayContainDashes() {
        assertThat(parser.parse("/db/public/2020-04-02/" + PRELUDE + "my-dashed-table-7.ndjson"))
                .contains(new ChangefeedPath.NdjsonFile(new TableName("db", "public", "my-dashed-table"),
                        "my-dashed-table", "7"));
    }

    @Test
    void ndjsonTopicWithTooManyPartsIsBadInput() {
        assertThatThrownBy(() -> parser.parse("/db/public/2020-04-02/" + PRELUDE + "a.b.c.d-1.ndjson"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("too many parts");
        assertThatThrownBy(() -> parser.parse("/db/public/2020-04-02/" + PRELUDE + "a..c-1.ndjson"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("empty schema");
    }

    @Test
    void resolvedFileKeepsTheNanosecondFraction() {
        assertThat(parser.parse("/db/public/2020-11-22/202011221122335555555550000000001.RESOLVED"))
                .contains(new ChangefeedPath.ResolvedFile(new SchemaName("db", "public"),
                        new Hlc(1606044153555555555L, 1)));
        assertThat(parser.parse("/test/public/2020-04-04/202004042351304139680000000000000.RESOLVED"))
                .contains(new ChangefeedPath.ResolvedFile(new SchemaName("test", "public"),
                        new Hlc(1586044290413968000L, 0)));
    }

    @Test
    void resolvedLogicalBeyondIntIsBadInput() {
        assertThatThrownBy(() -> parser.parse("/db/public/2020-11-22/202011221122335555555556666666666.RESOLVED"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("6666666666")
                .hasMessageContaining("out of range");
    }

    @Test
    void resolvedWithImpossibleDateIsBadInput() {
        assertThatThrownBy(() -> parser.parse("/db/public/2020-13-22/202013221122335555555550000000001.RESOLVED"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("invalid date-time");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "/", "//", "/db", "/db/", "//public", "/db//", "/db/public/extra",
        "/db/public//202004042351304139680000000000000.RESOLVED",
        "/public/2020-04-04/202004042351304139680000000000000.RESOLVED",
        "/db/public/2020-4-04/202004042351304139680000000000000.RESOLVED",
        "/db/public/2020-04-04/20200404235130413968000000000000.RESOLVED",
        "/db/public/2020-04-04/202004042351304139680000000000000.resolved",
        "/db/public/2020-04-02/test_table-1.ndjson",
        "/public/2020-04-02/202004022058072107140000000000000-56087568dba1e6b8-1-72-00000000-t-1.ndjson",
        "/db/public/2020-04-02/202004022058072107140000000000000-56087568dba1e6b8-1-72-00000000-t-1.json",
        "/db/public/2020-04-02/x/y"
    })
    void otherPathsAreNotFound(String path) {
        assertThat(parser.parse(path)).isEmpty();
    }

    @Test
    void badPercentEncodingIsBadInput() {
        assertThatThrownBy(() -> parser.parse("/db/pub%zz"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("percent-encoding");
    }
}
