using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Tests.Api.Protobuf;

/// <summary>
/// Byte vectors worked out by hand from the field table and the spec README (section 4), one comment per field, not
/// produced by the codec: the encoder must write exactly these bytes and the decoder must read them back.
/// </summary>
public sealed class ProtobufGoldenTests
{
    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    // ObjectMeta with only non-pointer zero fields after name: generateName=2, namespace=3, selfLink=4, uid=5,
    // resourceVersion=6 ("" each), generation=7 (0), creationTimestamp=8 (zero Time: empty message).
    private const string ZeroObjectMetaTail = "12 00  1A 00  22 00  2A 00  32 00  38 00  42 00";

    [Fact]
    public void ConfigMap_matches_the_hand_derived_bytes()
    {
        const string json = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default"},"data":{"b":"2","a":"1"}}""";
        var expected = Hex(
            "6B 38 73 00",                       // magic "k8s\0"
            "0A 0F",                             // Unknown.typeMeta (15 bytes)
            "  0A 02 76 31",                     //   apiVersion "v1"
            "  12 09 43 6F 6E 66 69 67 4D 61 70", //   kind "ConfigMap"
            "12 2A",                             // Unknown.raw (42 bytes): ConfigMap
            "  0A 18",                           //   metadata (24 bytes)
            "    0A 01 63",                      //     name "c"
            "    12 00",                         //     generateName ""
            "    1A 07 64 65 66 61 75 6C 74",    //     namespace "default"
            "    22 00  2A 00  32 00  38 00",    //     selfLink, uid, resourceVersion "", generation 0
            "    42 00",                         //     creationTimestamp: zero Time = empty message
            "  12 06 0A 01 61 12 01 31",         //   data entry {key "a", value "1"}: sorted by key
            "  12 06 0A 01 62 12 01 32",         //   data entry {key "b", value "2"}
            "1A 00",                             // Unknown.contentEncoding ""
            "22 00");                            // Unknown.contentType ""

        AssertEncodesAndDecodes(expected, "v1", "ConfigMap", json);
    }

    [Fact]
    public void Namespace_matches_the_hand_derived_bytes()
    {
        AssertEncodesAndDecodes(NamespaceEnvelope, "v1", "Namespace", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"foo"}}""");
    }

    [Fact]
    public void Deployment_with_zero_replicas_keeps_the_pointer_zero()
    {
        const string json = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}}}}}
            """;
        var expected = Hex(
            "6B 38 73 00",
            "0A 15",                                         // typeMeta (21 bytes)
            "  0A 07 61 70 70 73 2F 76 31",                  //   apiVersion "apps/v1"
            "  12 0A 44 65 70 6C 6F 79 6D 65 6E 74",         //   kind "Deployment"
            "12 7B",                                         // raw (123 bytes): Deployment
            "  0A 13 0A 03 77 65 62 " + ZeroObjectMetaTail,  //   metadata (19): name "web"
            "  12 56",                                       //   spec (86): DeploymentSpec
            "    08 00",                                     //     replicas 0: a Go pointer, so present
            "    12 0C 0A 0A 0A 03 61 70 70 12 03 77 65 62", //     selector: matchLabels {app: web}
            "    1A 3C",                                     //     template (60): PodTemplateSpec
            "      0A 1C 0A 00 " + ZeroObjectMetaTail,       //       metadata (28): name "" ...
            "        5A 0A 0A 03 61 70 70 12 03 77 65 62",   //         labels (11) {app: web}
            "      12 1C",                                   //       spec (28): zero PodSpec
            "        1A 00  32 00  42 00  4A 00  52 00",     //         restartPolicy 3, dnsPolicy 6, serviceAccountName 8, serviceAccount 9, nodeName 10
            "        58 00  60 00  68 00",                   //         hostNetwork 11, hostPID 12, hostIPC 13
            "        82 01 00  8A 01 00  9A 01 00  C2 01 00", //        hostname 16, subdomain 17, schedulerName 19, priorityClassName 24
            "    22 02 0A 00",                               //     strategy: type ""
            "    28 00",                                     //     minReadySeconds 0
            "    38 00",                                     //     paused false
            "  1A 0C 08 00 10 00 18 00 20 00 28 00 38 00",   //   status: observedGeneration 1, replicas 2, updated 3, available 4, unavailable 5, ready 7
            "1A 00 22 00");

        // Decoded as Go writes the struct: non-pointer structs present even when empty, a zero Time as null.
        const string goJson = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","creationTimestamp":null},
             "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{}},"strategy":{}},
             "status":{}}
            """;
        AssertEncodesAndDecodes(expected, "apps/v1", "Deployment", json, goJson);
        var decoded = Codec.Decode(expected);
        Assert.Equal(0, (int?)decoded["spec"]?["replicas"]);
    }

    [Fact]
    public void Pod_with_a_quantity_an_int_or_string_a_time_and_a_negative_number_matches_the_hand_derived_bytes()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","creationTimestamp":"2024-01-01T00:00:00Z"},
             "spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"500m"}},
                                    "livenessProbe":{"tcpSocket":{"port":8080},"periodSeconds":-1}}]}}
            """;
        var expected = Hex(
            "6B 38 73 00",
            "0A 09 0A 02 76 31 12 03 50 6F 64",            // typeMeta: "v1", "Pod"
            "12 9D 01",                                    // raw (157 bytes: a two-byte length)
            "  0A 19",                                     //   metadata (25)
            "    0A 01 70",                                //     name "p"
            "    12 00  1A 00  22 00  2A 00  32 00  38 00", //    generateName .. generation
            "    42 08 08 80 81 C8 AC 06 10 00",           //     creationTimestamp: seconds 1704067200, nanos 0
            "  12 6B",                                     //   spec (107)
            "    12 4D",                                   //     containers[0] (77)
            "      0A 01 63",                              //       name "c"
            "      12 01 69",                              //       image "i"
            "      2A 00",                                 //       workingDir ""
            "      42 0F 0A 0D 0A 03 63 70 75",            //       resources: limits entry, key "cpu"
            "        12 06 0A 04 35 30 30 6D",             //         value Quantity {string "500m"}
            "      52 22",                                 //       livenessProbe (34)
            "        0A 0D",                               //         handler: inline ProbeHandler (13)
            "          1A 0B",                             //           tcpSocket (11)
            "            0A 07 08 00 10 90 3F 1A 00",      //             port: IntOrString {type 0, intVal 8080, strVal ""}
            "            12 00",                           //             host ""
            "        10 00  18 00",                        //         initialDelaySeconds, timeoutSeconds 0
            "        20 FF FF FF FF FF FF FF FF FF 01",    //         periodSeconds -1: 10-byte two's complement varint
            "        28 00  30 00",                        //         successThreshold, failureThreshold 0
            "      6A 00  72 00",                          //       terminationMessagePath 13, imagePullPolicy 14
            "      80 01 00  88 01 00  90 01 00",          //       stdin 16, stdinOnce 17, tty 18
            "      A2 01 00",                              //       terminationMessagePolicy 20
            "    1A 00  32 00  42 00  4A 00  52 00  58 00  60 00  68 00", // zero PodSpec scalars 3..13
            "    82 01 00  8A 01 00  9A 01 00  C2 01 00",  //     hostname, subdomain, schedulerName, priorityClassName
            "  1A 13",                                     //   status (19): zero PodStatus
            "    0A 00  1A 00  22 00  2A 00  32 00  4A 00  5A 00", // phase, message, reason, hostIP, podIP, qosClass, nominatedNodeName
            "    72 00  88 01 00",                         //     resize 14, observedGeneration 17
            "1A 00 22 00");

        AssertEncodesAndDecodes(expected, "v1", "Pod", json);
        var container = Codec.Decode(expected)["spec"]!["containers"]![0]!;
        Assert.Equal("500m", (string?)container["resources"]?["limits"]?["cpu"]);
        Assert.Equal(8080, (int?)container["livenessProbe"]?["tcpSocket"]?["port"]);
        Assert.Equal(-1, (int?)container["livenessProbe"]?["periodSeconds"]);
    }

    [Fact]
    public void DeleteOptions_matches_the_hand_derived_bytes_under_any_api_version()
    {
        const string json = """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","gracePeriodSeconds":0,"dryRun":["All"]}""";
        var expected = Hex(
            "6B 38 73 00",
            "0A 13 0A 02 76 31",                           // typeMeta (19): apiVersion "v1"
            "  12 0D 44 65 6C 65 74 65 4F 70 74 69 6F 6E 73", // kind "DeleteOptions"
            "12 13",                                       // raw (19)
            "  08 00",                                     //   gracePeriodSeconds 0 (pointer: present)
            "  22 0A 42 61 63 6B 67 72 6F 75 6E 64",       //   propagationPolicy "Background"
            "  2A 03 41 6C 6C",                            //   dryRun ["All"]
            "1A 00 22 00");

        AssertEncodesAndDecodes(expected, "v1", "DeleteOptions", json);
        Assert.True(Codec.Supports("apps/v1", "DeleteOptions"));
        Assert.True(Codec.Supports("stable.example.com/v1", "DeleteOptions"));
    }

    [Fact]
    public void Status_matches_the_hand_derived_bytes()
    {
        const string json = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"x\" not found",
             "reason":"NotFound","details":{"name":"x","kind":"configmaps"},"code":404}
            """;
        var expected = Hex(
            "6B 38 73 00",
            "0A 0C 0A 02 76 31 12 06 53 74 61 74 75 73",   // typeMeta: "v1", "Status"
            "12 4F",                                       // raw (79)
            "  0A 06 0A 00 12 00 1A 00",                   //   metadata: ListMeta selfLink, resourceVersion, continue ""
            "  12 07 46 61 69 6C 75 72 65",                //   status "Failure"
            "  1A 18 63 6F 6E 66 69 67 6D 61 70 73 20 22 78 22 20 6E 6F 74 20 66 6F 75 6E 64", // message
            "  22 08 4E 6F 74 46 6F 75 6E 64",             //   reason "NotFound"
            "  2A 15",                                     //   details (21, pointer: present)
            "    0A 01 78  12 00",                         //     name "x", group ""
            "    1A 0A 63 6F 6E 66 69 67 6D 61 70 73",     //     kind "configmaps"
            "    28 00  32 00",                            //     retryAfterSeconds 0, uid ""
            "  30 94 03",                                  //   code 404
            "1A 00 22 00");

        AssertEncodesAndDecodes(expected, "v1", "Status", json);
    }

    [Fact]
    public void Watch_frame_matches_the_hand_derived_bytes()
    {
        byte[] expected =
        [
            .. Hex(
                "00 00 00 41",                // frame length 65, big-endian
                "0A 05 41 44 44 45 44",       // WatchEvent.type "ADDED"
                "12 38",                      // WatchEvent.object: RawExtension (56)
                "  0A 36"),                   //   raw (54): the full Namespace object, magic and envelope included
            .. NamespaceEnvelope,
        ];

        var output = new ArrayBufferWriter<byte>();
        Codec.EncodeWatchFrame(output, "ADDED", "v1", "Namespace", """{"metadata":{"name":"foo"}}"""u8);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(output.WrittenSpan));
        var watchEvent = Codec.DecodeWatchEvent(expected.AsSpan(4));
        Assert.Equal("ADDED", (string?)watchEvent["type"]);
        Assert.Equal("Namespace", (string?)watchEvent["object"]?["kind"]);
        Assert.Equal("foo", (string?)watchEvent["object"]?["metadata"]?["name"]);
    }

    private static byte[] NamespaceEnvelope => Hex(
        "6B 38 73 00",
        "0A 0F 0A 02 76 31 12 09 4E 61 6D 65 73 70 61 63 65", // typeMeta: "v1", "Namespace"
        "12 1B",                                               // raw (27)
        "  0A 13 0A 03 66 6F 6F " + ZeroObjectMetaTail,        //   metadata (19): name "foo"
        "  12 00",                                             //   spec: empty NamespaceSpec, written (not a pointer)
        "  1A 02 0A 00",                                       //   status: phase ""
        "1A 00 22 00");

    /// <summary>Encoding the JSON gives the bytes; decoding the bytes and encoding again gives them too.</summary>
    private static void AssertEncodesAndDecodes(byte[] expected, string apiVersion, string kind, string json, string? decodedJson = null)
    {
        var encoded = Codec.Encode(apiVersion, kind, Encoding.UTF8.GetBytes(json));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(encoded));

        var decoded = Codec.Decode(expected);
        Assert.Equal(apiVersion, (string?)decoded["apiVersion"]);
        Assert.Equal(kind, (string?)decoded["kind"]);
        var original = JsonNode.Parse(decodedJson ?? json)!.AsObject();
        foreach (var (name, value) in original)
        {
            if (name != "metadata" || decodedJson is not null)
            {
                Assert.True(JsonNode.DeepEquals(value, decoded[name]), $"{name}: {value?.ToJsonString()} != {decoded[name]?.ToJsonString()}");
            }
        }

        var again = Codec.Encode(apiVersion, kind, Encoding.UTF8.GetBytes(decoded.ToJsonString()));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(again));
    }

    private static byte[] Hex(params string[] lines) =>
        Convert.FromHexString(string.Concat(lines).Replace(" ", "", StringComparison.Ordinal));
}
