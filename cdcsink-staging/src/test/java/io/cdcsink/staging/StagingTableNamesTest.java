package io.cdcsink.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.metadata.SqlResolvedTimestamps;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StagingTableNamesTest {
    @Test
    void readableNameJoinsSanitisedSchemaAndTable() {
        assertThat(StagingTableNames.preferred("public", "usertable")).isEqualTo("stage2_public_usertable");
        assertThat(StagingTableNames.preferred("My Schema", "Tab-le\"x")).isEqualTo("stage2_my_schema_tab_le_x");
        assertThat(StagingTableNames.preferred("ünï", "日本")).isEqualTo("stage2__n____");
    }

    @Test
    void longNamesAreCutAndEndInAHashSoTheyFitAndStayDistinct() {
        String a = StagingTableNames.preferred("s", "t".repeat(100) + "a");
        String b = StagingTableNames.preferred("s", "t".repeat(100) + "b");

        assertThat(a.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
        assertThat(a).hasSize(63).startsWith("stage2_s_ttt").matches(".*_[0-9a-f]{16}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void namesUpToTheLimitAreKeptReadable() {
        String table = "t".repeat(63 - "stage2_s_".length());
        assertThat(StagingTableNames.preferred("s", table)).isEqualTo("stage2_s_" + table);
        assertThat(StagingTableNames.preferred("s", table + "t")).matches(".*_[0-9a-f]{16}");
    }

    @Test
    void hashedNamesTellApartSchemasAndTablesThatSanitiseAlike() {
        assertThat(StagingTableNames.preferred("a_b", "c")).isEqualTo(StagingTableNames.preferred("a", "b_c"));
        assertThat(StagingTableNames.hashed("a_b", "c")).isNotEqualTo(StagingTableNames.hashed("a", "b_c"));
        assertThat(StagingTableNames.hashed("A", "b")).isNotEqualTo(StagingTableNames.hashed("a", "b"));
        assertThat(StagingTableNames.hashed("a_b", "c")).startsWith("stage2_a_b_c_").hasSize(13 + 16);
    }

    @Test
    void theFormatIsInThePrefixAndNoNewNameIsALegacyOne() {
        assertThat(StagingTableNames.isLegacy("stage_public_t")).isTrue();
        assertThat(StagingTableNames.isLegacy(StagingTableNames.preferred("public", "t"))).isFalse();
        assertThat(StagingTableNames.isLegacy(StagingTableNames.hashed("public", "t"))).isFalse();
        assertThat(StagingTableNames.isLegacy(StagingTableNames.preferred("", "x"))).isFalse();
    }

    @Test
    void namesAreStable() {
        assertThat(StagingTableNames.hashed("public", "t")).isEqualTo(StagingTableNames.hashed("public", "t"));
    }

    @Test
    void stagingNamesCannotClashWithTheAreaTables() {
        assertThat(StagingTableNames.preferred("pending", "timestamps"))
                .isNotEqualTo(SqlResolvedTimestamps.PENDING_TIMESTAMPS);
        assertThat(StagingTableNames.preferred("staged", "tables")).isNotEqualTo(SqlStager.STAGED_TABLES);
    }
}
