package io.cdcsink.cli;

import io.cdcsink.core.Replicator;

/** A command that runs a replicator: the replicator its flags describe, built but not started. */
interface Replicating {
    Replicator.Builder replicator();
}
