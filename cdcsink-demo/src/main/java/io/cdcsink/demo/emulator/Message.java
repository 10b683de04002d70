package io.cdcsink.demo.emulator;

import io.cdcsink.api.Hlc;

/** One row change on the wire: the change with its transaction's commit timestamp as {@code updated}. */
record Message(RowChange change, Hlc updated) {
}
