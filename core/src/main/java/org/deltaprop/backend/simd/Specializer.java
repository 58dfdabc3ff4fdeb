// Makes one copy of each vector kernel class per vector width, in which the width's species
// is a true constant: the Vector API compiles to SIMD instructions only for constant species.
package org.deltaprop.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.io.IOException;
import java.io.InputStream;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the kernel classes ({@link PackedGemm}, {@link VectorElementwise}, {@link VectorMath}) as hidden classes,
 * one per vector width, each carrying its {@link VectorSpecies} as class data that its static
 * initializer stores in a {@code static final} field.
 *
 * <p>Why: a species held in an instance field or passed as an argument is not a compile-time
 * constant, and the Vector API then falls back to boxed Java code about 40 times slower
 * (measured). A {@code static final} species chosen once per JVM would do for production,
 * but the tests run the 128-bit and the 256-bit paths side by side in one JVM
 * ({@code new SimdBackend(128, t)}), so each width gets its own copy of the bytecode instead.
 * The template classes are never initialized as ordinary classes.
 */
final class Specializer {

    private static final Map<String, Class<?>> LOADED = new ConcurrentHashMap<>();

    private Specializer() {
    }

    /** The float species of {@code bits}-bit vectors (128, 256 or 512). */
    static VectorSpecies<Float> species(int bits) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** The widest float vector this CPU runs natively, in bits. */
    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /**
     * The vector registers C2 allocates on this CPU: 32 with AVX-512 (whose preferred width is
     * 512 bits), 16 otherwise. The GEMM sizes its register tile by this.
     */
    static int vectorRegisters() {
        return preferredBits() >= 512 ? 32 : 16;
    }

    /**
     * A new instance of {@code template}'s copy for {@code bits}-bit vectors, made by its
     * constructor that takes as many arguments as {@code args} holds.
     */
    static <T> T create(Class<? extends T> template, Class<T> as, int bits, Object... args) {
        Class<?> specialized = LOADED.computeIfAbsent(template.getName() + "@" + bits,
                key -> define(template, species(bits)));
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(specialized, MethodHandles.lookup());
            for (var constructor : specialized.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == args.length) {
                    return as.cast(lookup.unreflectConstructor(constructor).invokeWithArguments(args));
                }
            }
            throw new IllegalArgumentException(template.getName() + " has no constructor of " + args.length
                    + " arguments");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot instantiate " + specialized, e);
        }
    }

    private static Class<?> define(Class<?> template, VectorSpecies<Float> species) {
        String resource = template.getSimpleName() + ".class";
        byte[] bytes;
        try (InputStream in = template.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " is missing from the classpath");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        try {
            return MethodHandles.lookup().defineHiddenClassWithClassData(bytes, species, true).lookupClass();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define a " + species + " copy of " + template.getName(), e);
        }
    }

    /**
     * The species a specialized class was made for; its static initializer calls this with
     * {@code MethodHandles.lookup()}.
     */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Float> speciesOf(MethodHandles.Lookup lookup) {
        try {
            VectorSpecies<Float> species = MethodHandles.classData(lookup, ConstantDescs.DEFAULT_NAME,
                    VectorSpecies.class);
            if (species == null) {
                throw new IllegalStateException(lookup.lookupClass().getName()
                        + " is a template: make it through Specializer.create");
            }
            return species;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
