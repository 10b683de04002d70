package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtidSetTest {
    private static final String U1 = "6fa7e6ef-c49a-11ec-950a-0242ac120002";
    private static final String U2 = "0b8d9a0e-3f5c-11ee-8c3a-0242ac130003";

    private static GtidSet my(String text) {
        return GtidSet.parse(Flavor.MYSQL, text);
    }

    private static GtidSet maria(String text) {
        return GtidSet.parse(Flavor.MARIADB, text);
    }

    @Test
    void mysqlSetsAreNormalisedWhenParsed() {
        assertThat(my(U1 + ":1-3:4-6:8").toString()).isEqualTo(U1 + ":1-6:8");
        assertThat(my(" " + U1.toUpperCase() + ":12-13:1-10,\n" + U2 + ":5 ").toString())
                .isEqualTo(U2 + ":5," + U1 + ":1-10:12-13");
        assertThat(my(U1 + ":1-5," + U1 + ":3-9")).isEqualTo(my(U1 + ":1-9"));
        assertThat(my("").isEmpty()).isTrue();
        assertThat(my("").toString()).isEmpty();
    }

    @Test
    void mysqlOrderingFollowsContainment() {
        assertThat(my(U1 + ":1-10:12-13").isBefore(my(U1 + ":1-13," + U2 + ":1-20"))).isTrue();
        assertThat(my(U1 + ":1-13").isBefore(my(U1 + ":1-10:12-13," + U2 + ":1-20"))).isFalse();
        assertThat(my(U1 + ":1-10:12-13," + U2 + ":1-20").isBefore(my(U1 + ":1-13"))).isFalse();
        assertThat(my(U1 + ":1-8").isBefore(my(U1 + ":1-9"))).isTrue();
        assertThat(my(U1 + ":1-9").isBefore(my(U1 + ":1-9"))).isFalse();
        assertThat(my("").isBefore(my(U1 + ":1"))).isTrue();
        assertThat(my("").isBefore(my(""))).isFalse();
        assertThat(my("")).isEqualTo(my(""));
        assertThat(my(U1 + ":1-13").contains(my(U1 + ":2-4:7"))).isTrue();
        assertThat(my(U1 + ":1-13").contains(my(U2 + ":1"))).isFalse();
    }

    @Test
    void mysqlAddsOneTransaction() {
        GtidSet set = my(U1 + ":1-8:10-12");
        assertThat(set.containsGtid(U1 + ":9")).isFalse();
        assertThat(set.containsGtid(U1 + ":10")).isTrue();
        assertThat(set.plus(U1 + ":9").toString()).isEqualTo(U1 + ":1-12");
        assertThat(set.plus(U2 + ":1").toString()).isEqualTo(U2 + ":1," + U1 + ":1-8:10-12");
        assertThat(set.plus(U1 + ":20").toString()).isEqualTo(U1 + ":1-8:10-12:20");
        assertThat(set.toString()).isEqualTo(U1 + ":1-8:10-12");
    }

    @Test
    void mariaDbKeepsOnePositionPerDomain() {
        assertThat(maria("1-1-1,2-2-2").isBefore(maria("1-1-2,2-2-2"))).isTrue();
        assertThat(maria("1-1-2,2-2-2").isBefore(maria("1-1-1,2-2-2"))).isFalse();
        assertThat(maria("0-1-5").isBefore(maria("0-1-5,1-1-1"))).isTrue();
        assertThat(maria("0-1-5,1-1-1").isBefore(maria("0-1-6"))).isFalse();
        assertThat(maria("").isBefore(maria("0-1-1"))).isTrue();
        assertThat(maria("").isBefore(maria(""))).isFalse();
        assertThat(maria(" 2-2-2 , 1-1-1").toString()).isEqualTo("1-1-1,2-2-2");
        assertThat(maria("0-1-12").containsGtid("0-1-12")).isTrue();
        assertThat(maria("0-1-12").containsGtid("0-2-3")).isTrue();
        assertThat(maria("0-1-12").containsGtid("0-1-13")).isFalse();
        assertThat(maria("0-1-12").containsGtid("1-1-1")).isFalse();
        assertThat(maria("0-1-12").plus("0-1-13").toString()).isEqualTo("0-1-13");
        assertThat(maria("0-1-12").plus("3-1-1").toString()).isEqualTo("0-1-12,3-1-1");
    }

    @Test
    void invalidTextIsRejectedWithTheText() {
        assertThatThrownBy(() -> my("nonsense")).hasMessageContaining("nonsense");
        assertThatThrownBy(() -> my(U1 + ":5-3")).hasMessageContaining("5-3");
        assertThatThrownBy(() -> my(U1 + ":x")).hasMessageContaining("\"x\"");
        assertThatThrownBy(() -> maria("0-1")).hasMessageContaining("domain-server-sequence");
        assertThatThrownBy(() -> maria("0-1-2,0-1-3")).hasMessageContaining("domain 0 twice");
        assertThatThrownBy(() -> my(U1 + ":1").contains(maria("0-1-1"))).hasMessageContaining("mariadb");
    }

    @Test
    void positionsCarryTheFlavourAndParseBack() {
        assertThat(GtidPositions.text(maria("0-1-12"))).isEqualTo("mariadb:0-1-12");
        assertThat(GtidPositions.text(my(U1 + ":1-8"))).isEqualTo("mysql:" + U1 + ":1-8");
        assertThat(GtidPositions.parse("mysql:" + U1 + ":1-8")).isEqualTo(my(U1 + ":1-8"));
        assertThat(GtidPositions.parse("mariadb:0-1-12")).isEqualTo(maria("0-1-12"));
        assertThat(GtidPositions.parse("mariadb:")).isEqualTo(maria(""));
        assertThat(GtidPositions.parse("mysql:")).isEqualTo(my(""));
        assertThat(GtidPositions.parse("0-1-12,1-2-3").flavor()).isEqualTo(Flavor.MARIADB);
        assertThat(GtidPositions.parse(U1 + ":1-8").flavor()).isEqualTo(Flavor.MYSQL);
    }
}
