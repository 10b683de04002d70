package io.cdcsink.auth;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PEM public key: {@code PUBLIC KEY} (SubjectPublicKeyInfo, RSA or EC) or {@code RSA PUBLIC KEY} (PKCS#1).
 * The first such block is used.
 */
public final class PublicKeyPem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PublicKeyPem() {
    }

    /**
     * @param id  names the key in error messages (the row id)
     * @param pem the PEM text
     */
    public static PublicKey parse(String id, String pem) throws InvalidKeyException {
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        if (!m.find()) {
            throw new InvalidKeyException("no PEM \"PUBLIC KEY\" or \"RSA PUBLIC KEY\" block in key " + id);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("bad base64 in public key " + id, e);
        }
        if (m.group(1).equals("RSA PUBLIC KEY")) {
            return decode(id, "RSA", wrapPkcs1(der));
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException notEc) {
            return decode(id, "RSA", der);
        }
    }

    private static PublicKey decode(String id, String algorithm, byte[] spki) throws InvalidKeyException {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("could not decode public key " + id + " as an RSA or EC key", e);
        }
    }

    /** SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING (0 unused bits + PKCS#1 key) }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream bits = new ByteArrayOutputStream();
        bits.write(0x03);
        writeLength(bits, pkcs1.length + 1);
        bits.write(0);
        bits.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, RSA_ALGORITHM.length + bits.size());
        out.writeBytes(RSA_ALGORITHM);
        out.writeBytes(bits.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((length >>> (8 * i)) & 0xff);
        }
    }
}
