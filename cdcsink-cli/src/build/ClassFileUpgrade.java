import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * A build step, run by Maven on a shaded launcher jar after the shade plugin made it (see cdcsink-cli's pom):
 * rewrites every class file older than Java 6 (major version below 50) as a Java 8 class file with computed stack-map
 * frames, the same bytecode otherwise.
 *
 * <p>Why: the JVM's class-data sharing leaves pre-Java-6 class files out of an archive ("Pre JDK 6 class not supported
 * by CDS"), and with them every class linked against one ("Old class has been linked"). picocli is compiled for Java 5,
 * so without this step the launcher's archive holds none of the command line's classes and each launch reads and
 * verifies them from the jar (about 0.1 s of `cdc-sink version`'s 0.3 s). Guice's repackaged ASM, aopalliance and
 * the javax.annotation classes are old class files too.
 *
 * <p>A class whose frames cannot be computed (a referenced class is not in the jar) is kept as it was and named on
 * standard error; the build does not fail for it. Usage: {@code java -cp asm.jar ClassFileUpgrade.java JAR}
 */
public final class ClassFileUpgrade {
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path out = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        int kept = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
                ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] bytes;
                try (InputStream s = in.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && majorVersion(bytes) < JAVA_6) {
                    try {
                        bytes = upgrade(bytes, classes);
                        upgraded++;
                    } catch (RuntimeException | LinkageError e) {
                        System.err.println("ClassFileUpgrade: kept " + entry.getName() + " as it was: " + e);
                        kept++;
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                zip.putNextEntry(copy);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ClassFileUpgrade: " + jar.getFileName() + ": " + upgraded
                + " pre-Java-6 class files rewritten as Java 8 class files" + (kept > 0 ? ", " + kept + " kept" : ""));
    }

    private static int majorVersion(byte[] bytes) {
        boolean classFile = bytes.length > 8 && (bytes[0] & 0xff) == 0xca && (bytes[1] & 0xff) == 0xfe
                && (bytes[2] & 0xff) == 0xba && (bytes[3] & 0xff) == 0xbe;
        return classFile ? ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff) : Integer.MAX_VALUE;
    }

    /** The class as a Java 8 class file; ASM computes the frames, loading (never initialising) the jar's classes. */
    private static byte[] upgrade(byte[] bytes, ClassLoader classes) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes;
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    private ClassFileUpgrade() {
    }
}
