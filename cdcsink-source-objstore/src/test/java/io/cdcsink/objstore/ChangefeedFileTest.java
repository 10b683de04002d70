package io.cdcsink.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangefeedFileTest {
    @Test
    void rowFileNamesGiveTheTopicWhichMayHoldDashesAndDots() {
        assertThat(ChangefeedFile.parse(
                "2024-05-01/202405011200000000000000000000000-4f1c2a9b8e7d6c5b-1-7-00000000-my-table-3.ndjson"))
                .contains(new ChangefeedFile.Rows(
                        "2024-05-01/202405011200000000000000000000000-4f1c2a9b8e7d6c5b-1-7-00000000-my-table-3.ndjson",
                        "my-table", false));
        Optional<ChangefeedFile> gz = ChangefeedFile.parse(
                "2024-05-01/202405011200000000000000000000000-4f1c2a9b8e7d6c5b-1-7-00000001-db.public.t-3.ndjson.gz");
        assertThat(gz).get().isInstanceOfSatisfying(ChangefeedFile.Rows.class, r -> {
            assertThat(r.topic()).isEqualTo("db.public.t");
            assertThat(r.gzip()).isTrue();
        });
        assertThat(ObjstoreSource.topicTable("db.public.t")).isEqualTo("t");
    }

    @Test
    void resolvedFileNamesGiveTheHlc() {
        assertThat(ChangefeedFile.parse("2024-05-01/202405011200001234567890000000042.RESOLVED"))
                .contains(new ChangefeedFile.Resolved("2024-05-01/202405011200001234567890000000042.RESOLVED",
                        new Hlc(1714564800L * 1_000_000_000L + 123456789, 42)));
        assertThatThrownBy(() -> ChangefeedFile.parse("2024-13-01/202413011200000000000000000000000.RESOLVED"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("invalid date-time");
    }

    @Test
    void otherFilesAreNotChangefeedFiles() {
        assertThat(ChangefeedFile.parse("2024-05-01/notes.txt")).isEmpty();
        assertThat(ChangefeedFile.parse("2024-05-01/202405011200000000000000000000000.RESOLVED.tmp")).isEmpty();
        assertThat(ChangefeedFile.parse("2024-05-01/2024050112-a-b-c-d-t-1.ndjson")).isEmpty();
    }

    @Test
    void ndjsonLinesKeepTheExactJsonOfKeyAndRow() throws Exception {
        String body = "{\"after\": {\"id\": 1, \"n\": 123456789012345678901234.50, \"s\": \"a}\\\"b\"}, \"key\": [1],"
                + " \"updated\": \"1714564800000000000.0000000002\", \"mvcc_timestamp\": \"x\"}\n\n"
                + "{\"after\": null, \"key\": [2], \"updated\": \"1714564800000000001.0\"}\n";
        List<Mutation> m = NdjsonFile.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), false,
                "f");
        assertThat(m).containsExactly(
                Mutation.upsert(new Hlc(1714564800000000000L, 2), "[1]",
                        "{\"id\": 1, \"n\": 123456789012345678901234.50, \"s\": \"a}\\\"b\"}"),
                Mutation.delete(new Hlc(1714564800000000001L, 0), "[2]"));
    }

    @Test
    void malformedLinesNameTheFileAndLine() {
        assertThatThrownBy(() -> NdjsonFile.read(new ByteArrayInputStream(
                "{\"after\": {}, \"key\": [1]}\n".getBytes(StandardCharsets.UTF_8)), false, "2024-05-01/f.ndjson"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("2024-05-01/f.ndjson line 1")
                .hasMessageContaining("WITH updated");
        assertThatThrownBy(() -> NdjsonFile.read(new ByteArrayInputStream(
                "{\"after\": {}, \"key\": [1], \"updated\": \"1.0\"}\n{\"key\": 1".getBytes(StandardCharsets.UTF_8)),
                false, "f")).isInstanceOf(BadInputException.class).hasMessageContaining("f line 2");
    }
}
