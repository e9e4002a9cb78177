package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Action Message Format 0 as the Adobe AMF0 specification (2007) defines it. */
class Amf0Tests {

    static Stream<Arguments> knownEncodings() {
        return Stream.of(
                Arguments.of("string", "connect", "02 0007 636f6e6e656374"),
                Arguments.of("number", 1.0, "00 3ff0000000000000"),
                Arguments.of("negative number", -2.5, "00 c004000000000000"),
                Arguments.of("true", true, "01 01"),
                Arguments.of("false", false, "01 00"),
                Arguments.of("null", null, "05"),
                Arguments.of("undefined", Amf0.UNDEFINED, "06"),
                Arguments.of("unsupported", Amf0.UNSUPPORTED, "0d"),
                Arguments.of("UTF-8 string", "é", "02 0002 c3a9"),
                Arguments.of(
                        "object", object("app", "live"), "03 0003 617070 02 0004 6c697665 0000 09"),
                Arguments.of("empty object", object(), "03 0000 09"),
                Arguments.of(
                        "ECMA array",
                        new Amf0.EcmaArray(object("duration", 0.0)),
                        "08 00000001 0008 6475726174696f6e 00 0000000000000000 0000 09"),
                Arguments.of(
                        "strict array",
                        List.of(1.0, "a"),
                        "0a 00000002 00 3ff0000000000000 02 0001 61"),
                Arguments.of("date", new Amf0.Date(1.0, (short) 0), "0b 3ff0000000000000 0000"),
                Arguments.of("XML document", new Amf0.XmlDocument("<a/>"), "0f 00000004 3c612f3e"),
                Arguments.of(
                        "typed object",
                        new Amf0.TypedObject("Foo", object("x", true)),
                        "10 0003 466f6f 0001 78 01 01 0000 09"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("knownEncodings")
    void encodesAsTheSpecificationLaysOut(String name, Object value, String hex) {
        assertThat(hex(Amf0.encode(value))).isEqualTo(hex.replace(" ", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("knownEncodings")
    void decodesWhatTheSpecificationLaysOut(String name, Object value, String hex) {
        assertThat(Amf0.decodeAll(bytes(hex), 0)).containsExactly(value);
    }

    @Test
    void aPublisherConnectCommandRoundTrips() {
        Map<String, Object> request =
                object(
                        "app", "live",
                        "type", "nonprivate",
                        "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)",
                        "tcUrl", "rtmp://localhost:1935/live");
        byte[] encoded = Amf0.encode("connect", 1.0, request);

        assertThat(Amf0.decodeAll(encoded, 0)).containsExactly("connect", 1.0, request);
        assertThat(hex(encoded))
                .startsWith("020007" + "636f6e6e656374" + "003ff0000000000000" + "03");
        assertThat(hex(encoded)).endsWith("000009");
    }

    @Test
    void stringLengthsCountUtf8Bytes() {
        byte[] utf8 = "日本".getBytes(StandardCharsets.UTF_8);

        assertThat(Amf0.encode("日本")).isEqualTo(concat(bytes("02 0006"), utf8));
    }

    @Test
    void integersAndLongsAreEncodedAsNumbers() {
        assertThat(Amf0.encode(7)).isEqualTo(Amf0.encode(7.0));
        assertThat(Amf0.decodeAll(Amf0.encode(7L), 0)).containsExactly(7.0);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 65535})
    void stringsUpTo65535BytesAreShortStrings(int length) {
        String text = "x".repeat(length);

        byte[] encoded = Amf0.encode(text);

        assertThat(encoded[0]).isEqualTo((byte) 0x02);
        assertThat(encoded).hasSize(3 + length);
        assertThat(Amf0.decodeAll(encoded, 0)).containsExactly(text);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {65536, 100_000})
    void longerStringsAreLongStrings(int length) {
        String text = "y".repeat(length);

        byte[] encoded = Amf0.encode(text);

        assertThat(hex(Arrays.copyOf(encoded, 5))).isEqualTo("0c" + String.format("%08x", length));
        assertThat(encoded).hasSize(5 + length);
        assertThat(Amf0.decodeAll(encoded, 0)).containsExactly(text);
    }

    @Test
    void theLongStringLimitCountsUtf8Bytes() {
        String text = "é".repeat(40_000); // 80000 bytes in 40000 chars

        byte[] encoded = Amf0.encode(text);

        assertThat(encoded[0]).isEqualTo((byte) 0x0C);
        assertThat(Amf0.decodeAll(encoded, 0)).containsExactly(text);
    }

    @Test
    void everyTypeRoundTripsNested() {
        Object value = everything();

        assertThat(Amf0.decodeAll(Amf0.encode(value, "after"), 0)).containsExactly(value, "after");
    }

    @Test
    void anEmptyKeyThatIsNotFollowedByObjectEndIsAProperty() {
        byte[] encoded = bytes("03 0000 02 0001 78 0001 61 05 0000 09");

        assertThat(Amf0.decodeAll(encoded, 0)).containsExactly(object("", "x", "a", null));
        assertThat(Amf0.encode(object("", "x", "a", null))).isEqualTo(encoded);
    }

    @Test
    void objectsEndWithAnEmptyKeyAndTheObjectEndMarker() {
        byte[] encoded = Amf0.encode(object("k", object()));

        assertThat(hex(encoded)).isEqualTo("03" + "0001" + "6b" + "03" + "000009" + "000009");
    }

    @Test
    void theEcmaArrayCountIsOnlyAHint() {
        assertThat(Amf0.decodeAll(bytes("08 7fffffff 0001 61 01 01 0000 09"), 0))
                .containsExactly(new Amf0.EcmaArray(object("a", true)));
    }

    @Test
    void valuesAfterAnOffsetAreDecoded() {
        byte[] command = concat(new byte[] {0}, Amf0.encode("connect", 1.0));

        assertThat(Amf0.decodeAll(command, 1)).containsExactly("connect", 1.0);
        assertThat(Amf0.decodeAll(new byte[] {0}, 1)).isEmpty();
    }

    /** An AMF3 command message (type 17) of no bytes has no byte 0 to skip. */
    @Test
    void anOffsetBeyondTheMessageIsAProtocolError() {
        assertThatThrownBy(() -> Amf0.decodeAll(new byte[0], 1))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 offset 1 in a message of 0 bytes (expected at most 0)");
    }

    /** Every proper prefix of an encoding is a truncated value, never a Java runtime error. */
    @Test
    void everyTruncationIsAProtocolError() {
        byte[] encoded = Amf0.encode(everything());

        for (int length = 1; length < encoded.length; length++) {
            byte[] prefix = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> Amf0.decodeAll(prefix, 0))
                    .as("first %d of %d bytes", length, encoded.length)
                    .isInstanceOf(RtmpProtocolException.class);
        }
    }

    /** Rewind read past the end (IndexOutOfBoundsException) when an object stopped at its key. */
    @Test
    void anObjectThatStopsAfterAnEmptyKeyIsTruncated() {
        assertThatThrownBy(() -> Amf0.decodeAll(bytes("03 0000"), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 value truncated at byte 3");
    }

    @ParameterizedTest(name = "marker {0}")
    @ValueSource(strings = {"04", "09", "0e", "12", "ff"})
    void reservedAndUnknownMarkersAreRejected(String marker) {
        assertThatThrownBy(() -> Amf0.decodeAll(bytes(marker), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage(
                        "AMF0 marker 0x"
                                + marker.replaceFirst("^0", "")
                                + " (expected 0x00..0x10)");
    }

    @Test
    void theAmf3SwitchIsRejected() {
        assertThatThrownBy(() -> Amf0.decodeAll(bytes("11 04 01"), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF3 values are not supported");
    }

    @Test
    void lengthsBeyondTheBytesLeftAreRejectedBeforeAllocating() {
        assertThatThrownBy(() -> Amf0.decodeAll(bytes("0c ffffffff 41"), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 length 4294967295 (expected at most the 1 bytes left)");
        assertThatThrownBy(() -> Amf0.decodeAll(bytes("0a 7fffffff 05"), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 length 2147483647 (expected at most the 1 bytes left)");
        assertThatThrownBy(() -> Amf0.decodeAll(bytes("02 0005 6869"), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 length 5 (expected at most the 2 bytes left)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"object", "ECMA array", "strict array", "typed object"})
    void deepNestingIsRejectedWithoutOverflowingTheStack(String kind) {
        byte[] deep = nested(kind, 100_000);

        assertThatThrownBy(() -> Amf0.decodeAll(deep, 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 values nested deeper than 32");
    }

    @Test
    void nestingUpToTheLimitIsDecoded() {
        Object value = "leaf";
        for (int level = 0; level < 32; level++) {
            value = level % 2 == 0 ? object("k", value) : List.of(value);
        }

        byte[] oneDeeper = Amf0.encode(List.of(value));

        assertThat(Amf0.decodeAll(Amf0.encode(value), 0)).containsExactly(value);
        assertThatThrownBy(() -> Amf0.decodeAll(oneDeeper, 0))
                .isInstanceOf(RtmpProtocolException.class);
    }

    /**
     * Section 2.9: complex values are numbered in the order they start, the outer object first.
     * Rewind numbered an anonymous object only after its properties, so reference 1 to the inner
     * object below was out of range.
     */
    @Test
    void referencesNumberComplexValuesInTheOrderTheyStart() {
        byte[] encoded =
                bytes("03 0001 61 03 0001 62 00 3ff0000000000000 0000 09 0001 63 07 0001 0000 09");

        List<Object> values = Amf0.decodeAll(encoded, 0);

        Map<?, ?> outer = (Map<?, ?>) values.get(0);
        assertThat(outer.get("a")).isEqualTo(object("b", 1.0));
        assertThat(outer.get("c")).isSameAs(outer.get("a"));
    }

    @Test
    void referencesReachEarlierValuesOfTheSameMessage() {
        byte[] encoded = bytes("0a 00000001 02 0001 78" + "08 00000000 0001 6c 07 0000 0000 09");

        List<Object> values = Amf0.decodeAll(encoded, 0);

        assertThat(values).hasSize(2);
        assertThat(((Amf0.EcmaArray) values.get(1)).entries().get("l")).isSameAs(values.get(0));
    }

    @Test
    void aReferenceBeyondTheValuesSoFarIsRejected() {
        assertThatThrownBy(() -> Amf0.decodeAll(bytes("07 0000"), 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 reference 0 (expected below 0)");
    }

    /**
     * An ECMA array holding a reference to itself decoded into a Java map that contains itself;
     * encoding it again, as Rewind does with onMetaData, recursed until the stack overflowed.
     */
    @Test
    void aValueThatContainsAReferenceToItselfIsRejected() {
        byte[] cyclic = bytes("08 00000001 0004 73656c66 07 0000 0000 09");

        assertThatThrownBy(() -> Amf0.decodeAll(cyclic, 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("AMF0 reference 0 inside the value it refers to");
    }

    /**
     * Each array refers twice to the one before: 457 bytes that, encoded again as Rewind does with
     * onMetaData, would take 2^40 strings. Rewind decoded them and then hung encoding them.
     */
    @Test
    void referencesThatWouldExpandExponentiallyAreRejected() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("0a 00000029 0a 00000001 02 0004 78787878"));
        for (int level = 1; level <= 40; level++) {
            String previous = String.format("07 %04x", level);
            out.writeBytes(bytes("0a 00000002" + previous + previous));
        }

        byte[] bomb = out.toByteArray();

        assertThatThrownBy(() -> Amf0.decodeAll(bomb, 0))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessageStartingWith("AMF0 references standing for ")
                .hasMessageEndingWith(" bytes (expected at most 65536)");
    }

    @Test
    void referencesWithinTheLimitDecode() {
        String big = "z".repeat(30_000);
        byte[] encoded = concat(Amf0.encode(List.of(big)), bytes("0a 00000002 07 0000 07 0000"));

        List<Object> values = Amf0.decodeAll(encoded, 0);

        assertThat(values.get(1)).isEqualTo(List.of(List.of(big), List.of(big)));
    }

    @Test
    void encodingAnUnknownJavaTypeFailsLoudly() {
        assertThatThrownBy(() -> Amf0.encode(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no AMF0 type for class java.lang.Object");
    }

    /** One value of every type, nested in objects, arrays and typed objects. */
    private static Object everything() {
        Map<String, Object> inner =
                object(
                        "number",
                        29.97,
                        "boolean",
                        false,
                        "string",
                        "h264 ✓",
                        "null",
                        null,
                        "undefined",
                        Amf0.UNDEFINED,
                        "unsupported",
                        Amf0.UNSUPPORTED,
                        "date",
                        new Amf0.Date(1.7e12, (short) 0),
                        "xml",
                        new Amf0.XmlDocument("<x/>"));
        List<Object> array = new ArrayList<>(List.of(1.0, "two", inner, List.of()));
        array.add(null);
        return object(
                "inner",
                inner,
                "array",
                array,
                "ecma",
                new Amf0.EcmaArray(object("width", 1920.0, "nested", object("deep", true))),
                "typed",
                new Amf0.TypedObject("flash.Thing", object("id", 3.0)),
                "empty",
                object());
    }

    private static byte[] nested(String kind, int levels) {
        String open =
                switch (kind) {
                    case "object" -> "03 0001 6b";
                    case "ECMA array" -> "08 00000001 0001 6b";
                    case "strict array" -> "0a 00000001";
                    default -> "10 0001 54 0001 6b";
                };
        byte[] one = bytes(open);
        ByteArrayOutputStream out = new ByteArrayOutputStream(one.length * levels + 1);
        for (int level = 0; level < levels; level++) {
            out.writeBytes(one);
        }
        out.write(0x05);
        return out.toByteArray();
    }

    /** An object from key, value pairs, in order; values may be null. */
    private static Map<String, Object> object(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
