package dev.rewind.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Action Message Format 0, as RTMP commands and metadata use it (Adobe AMF0 specification).
 *
 * <p>Values map to Java as: number → {@link Double}, boolean → {@link Boolean}, string and long
 * string → {@link String}, object → {@link Map} (insertion-ordered), null → {@code null}, undefined
 * → {@link #UNDEFINED}, ECMA array → {@link EcmaArray}, strict array → {@link List}, date → {@link
 * Date}, unsupported → {@link #UNSUPPORTED}, XML document → {@link XmlDocument}, typed object →
 * {@link TypedObject}. References are resolved while decoding.
 */
final class Amf0 {
    /** The AMF0 undefined value. */
    static final Object UNDEFINED = new Marker("undefined");

    /** The AMF0 unsupported value. */
    static final Object UNSUPPORTED = new Marker("unsupported");

    private static final int MAX_DEPTH = 32;

    private Amf0() {}

    /** An ECMA (associative) array; {@code onMetaData} usually is one. */
    record EcmaArray(Map<String, Object> entries) {}

    /** A date: milliseconds since the epoch and a time zone offset that AMF0 asks to ignore. */
    record Date(double epochMillis, short timeZone) {}

    /** An XML document, kept as text. */
    record XmlDocument(String xml) {}

    /** An object with a registered class name. */
    record TypedObject(String className, Map<String, Object> properties) {}

    private record Marker(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Decodes every value in {@code bytes}; fails with {@link RtmpProtocolException}. */
    static List<Object> decodeAll(byte[] bytes, int offset) {
        if (bytes.length < offset) {
            throw new RtmpProtocolException(
                    "AMF message of " + bytes.length + " bytes (expected at least " + offset + ")");
        }
        Reader reader = new Reader(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
        List<Object> values = new ArrayList<>();
        try {
            while (reader.in.hasRemaining()) {
                values.add(reader.value(0));
            }
        } catch (BufferUnderflowException e) {
            throw new RtmpProtocolException("AMF0 value truncated at byte " + reader.in.position());
        }
        return values;
    }

    /** Encodes values one after the other. */
    static byte[] encode(Object... values) {
        Writer writer = new Writer();
        for (Object value : values) {
            writer.value(value);
        }
        return writer.out.toByteArray();
    }

    private static final class Reader {
        private final ByteBuffer in;
        private final List<Object> references = new ArrayList<>();

        Reader(ByteBuffer in) {
            this.in = in;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new RtmpProtocolException("AMF0 values nested deeper than " + MAX_DEPTH);
            }
            int marker = in.get() & 0xFF;
            return switch (marker) {
                case 0x00 -> in.getDouble();
                case 0x01 -> in.get() != 0;
                case 0x02 -> string(in.getShort() & 0xFFFF);
                case 0x03 -> remember(properties(new LinkedHashMap<>(), depth));
                case 0x05 -> null;
                case 0x06 -> UNDEFINED;
                case 0x07 -> reference(in.getShort() & 0xFFFF);
                case 0x08 -> ecmaArray(depth);
                case 0x0A -> strictArray(depth);
                case 0x0B -> new Date(in.getDouble(), in.getShort());
                case 0x0C -> string(length(in.getInt()));
                case 0x0D -> UNSUPPORTED;
                case 0x0F -> new XmlDocument(string(length(in.getInt())));
                case 0x10 -> typedObject(depth);
                case 0x11 -> throw new RtmpProtocolException("AMF3 values are not supported");
                default ->
                        throw new RtmpProtocolException(
                                "AMF0 marker 0x"
                                        + Integer.toHexString(marker)
                                        + " (expected 0x00..0x10)");
            };
        }

        private Map<String, Object> properties(Map<String, Object> target, int depth) {
            while (true) {
                String key = string(in.getShort() & 0xFFFF);
                if (key.isEmpty() && in.hasRemaining() && (in.get(in.position()) & 0xFF) == 0x09) {
                    in.get();
                    return target;
                }
                target.put(key, value(depth + 1));
            }
        }

        private EcmaArray ecmaArray(int depth) {
            in.getInt(); // the count is a hint; the entries end with the object-end marker
            EcmaArray array = new EcmaArray(new LinkedHashMap<>());
            remember(array);
            properties(array.entries(), depth);
            return array;
        }

        private List<Object> strictArray(int depth) {
            int count = length(in.getInt());
            List<Object> list = new ArrayList<>(Math.min(count, 64));
            remember(list);
            for (int i = 0; i < count; i++) {
                list.add(value(depth + 1));
            }
            return list;
        }

        private TypedObject typedObject(int depth) {
            String className = string(in.getShort() & 0xFFFF);
            TypedObject object = new TypedObject(className, new LinkedHashMap<>());
            remember(object);
            properties(object.properties(), depth);
            return object;
        }

        private Object reference(int index) {
            if (index >= references.size()) {
                throw new RtmpProtocolException(
                        "AMF0 reference " + index + " (expected below " + references.size() + ")");
            }
            return references.get(index);
        }

        private <T> T remember(T complex) {
            references.add(complex);
            return complex;
        }

        private int length(int announced) {
            if (announced < 0 || announced > in.remaining()) {
                throw new RtmpProtocolException(
                        "AMF0 length "
                                + Integer.toUnsignedString(announced)
                                + " (expected at most the "
                                + in.remaining()
                                + " bytes left)");
            }
            return announced;
        }

        private String string(int length) {
            byte[] bytes = new byte[length(length)];
            in.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

        @SuppressWarnings("unchecked")
        void value(Object value) {
            if (value == null) {
                out.write(0x05);
            } else if (value instanceof Number number) {
                number(number.doubleValue());
            } else if (value instanceof Boolean bool) {
                out.write(0x01);
                out.write(bool ? 1 : 0);
            } else if (value instanceof String string) {
                string(string);
            } else if (value instanceof Map<?, ?> map) {
                out.write(0x03);
                properties((Map<String, Object>) map);
            } else if (value instanceof List<?> list) {
                strictArray(list);
            } else {
                special(value);
            }
        }

        private void special(Object value) {
            if (value instanceof EcmaArray array) {
                ecmaArray(array);
            } else if (value instanceof TypedObject object) {
                typedObject(object);
            } else if (value instanceof Date date) {
                date(date);
            } else if (value instanceof XmlDocument xml) {
                longString(0x0F, xml.xml().getBytes(StandardCharsets.UTF_8));
            } else {
                marker(value);
            }
        }

        private void marker(Object value) {
            if (value == UNDEFINED) {
                out.write(0x06);
            } else if (value == UNSUPPORTED) {
                out.write(0x0D);
            } else {
                throw new IllegalArgumentException("no AMF0 type for " + value.getClass());
            }
        }

        private void number(double number) {
            out.write(0x00);
            writeLong(Double.doubleToLongBits(number));
        }

        private void string(String string) {
            byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xFFFF) {
                longString(0x0C, bytes);
                return;
            }
            out.write(0x02);
            shortString(bytes);
        }

        private void longString(int marker, byte[] bytes) {
            out.write(marker);
            writeInt(bytes.length);
            out.writeBytes(bytes);
        }

        private void shortString(byte[] bytes) {
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }

        private void properties(Map<String, Object> properties) {
            properties.forEach(
                    (key, value) -> {
                        shortString(key.getBytes(StandardCharsets.UTF_8));
                        value(value);
                    });
            out.writeBytes(new byte[] {0, 0, 0x09});
        }

        private void ecmaArray(EcmaArray array) {
            out.write(0x08);
            writeInt(array.entries().size());
            properties(array.entries());
        }

        private void typedObject(TypedObject object) {
            out.write(0x10);
            shortString(object.className().getBytes(StandardCharsets.UTF_8));
            properties(object.properties());
        }

        private void strictArray(List<?> list) {
            out.write(0x0A);
            writeInt(list.size());
            list.forEach(this::value);
        }

        private void date(Date date) {
            out.write(0x0B);
            writeLong(Double.doubleToLongBits(date.epochMillis()));
            out.write(date.timeZone() >>> 8);
            out.write(date.timeZone());
        }

        private void writeInt(int value) {
            out.write(value >>> 24);
            out.write(value >>> 16);
            out.write(value >>> 8);
            out.write(value);
        }

        private void writeLong(long value) {
            writeInt((int) (value >>> 32));
            writeInt((int) value);
        }
    }
}
