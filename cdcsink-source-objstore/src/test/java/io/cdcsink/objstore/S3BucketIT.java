package io.cdcsink.objstore;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A changefeed in an S3 bucket below a prefix, served by a real S3-compatible server in this JVM (S3Proxy over an
 * in-memory jclouds store, with AWS signature checks), read with the AWS SDK v2 client as in production.
 */
class S3BucketIT extends ObjstoreScenario {
    private static final String ACCESS = "objstore-access";
    private static final String SECRET = "objstore-secret";
    private static S3Proxy server;
    private static BlobStoreContext store;
    private static String endpoint;
    private static int buckets;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        store = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        server = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        server.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(server.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        endpoint = "http://127.0.0.1:" + server.getPort();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void feed() {
        bucket = "changefeed-" + ++buckets;
        BlobStore blobs = store.getBlobStore();
        blobs.createContainerInLocation(null, bucket);
        // The test writes beside S3Proxy, into the store it serves (as CockroachDB's sink would through S3); the
        // source under test lists and reads through S3Proxy's S3 API with signed requests.
        feed = new Feed((name, content) -> blobs.putBlob(bucket,
                blobs.blobBuilder("feeds/orders/" + name).payload(content).build()));
        // A file outside the prefix that must be left alone.
        blobs.putBlob(bucket, blobs.blobBuilder("other/2024-05-01/202405011200000000000000000000000.RESOLVED")
                .payload(new byte[] {'{', '}'}).build());
    }

    @Override
    Map<String, String> sourceOptions() {
        return Map.of("source", "s3://" + bucket + "/feeds/orders", "s3Endpoint", endpoint, "s3AccessKey", ACCESS,
                "s3SecretKey", SECRET);
    }

    @Test
    void appliesAsOfResolvedFilesAndResumesWithoutLossAfterStopsAndACrash() throws Exception {
        runConsistentScenario();
    }

    @Test
    void immediateModeAppliesRowsAsTheyAreRead() throws Exception {
        runImmediateScenario();
    }
}
