using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Faults;

/// <summary>
/// The classes of input that once crashed the server or answered 500 (issue 24), generated rather than replayed:
/// recursive and exploding YAML aliases, a wrong JSON type for a field of a kind's schema sent through every write
/// path, adversarial JSON and strategic merge patches, and bodies that lie about their length or trickle in.
/// </summary>
internal static class HostileInputGenerator
{
    private const string ConfigMaps = "api/v1/namespaces/default/configmaps";

    /// <summary>Stands for a lone surrogate escape (\ud800), which System.Text.Json cannot write; replaced in the sent text.</summary>
    private const string LoneSurrogate = "LONE-SURROGATE";

    /// <summary>Where each kind is created, a valid object of it, and the fields whose type is checked (dotted, [0] steps into a list).</summary>
    private static readonly (string Collection, string Valid, string[] Fields)[] Kinds =
    [
        (ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fuzz-target"},"data":{"v":"1"}}""",
            ["metadata", "metadata.name", "metadata.generateName", "metadata.namespace", "metadata.labels", "metadata.labels.a",
             "metadata.annotations", "metadata.annotations.a", "metadata.finalizers", "metadata.finalizers[0]", "metadata.ownerReferences",
             "metadata.ownerReferences[0]", "metadata.ownerReferences[0].name", "metadata.ownerReferences[0].controller",
             "metadata.resourceVersion", "metadata.uid", "metadata.creationTimestamp", "metadata.deletionGracePeriodSeconds", "metadata.generation",
             "metadata.managedFields", "metadata.managedFields[0].manager", "data", "data.v", "binaryData", "binaryData.b", "immutable"]),
        ("api/v1/namespaces/default/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"fuzz-target"},"data":{"v":"MQ=="}}""",
            ["data", "data.v", "stringData", "stringData.s", "type", "immutable", "metadata.labels"]),
        ("apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"fuzz-target"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""",
            ["rules", "rules[0]", "rules[0].verbs", "rules[0].verbs[0]", "rules[0].apiGroups", "rules[0].resources", "rules[0].resourceNames"]),
        ("api/v1/namespaces/default/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"fuzz-target"},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80}]}]}}""",
            ["spec", "spec.containers", "spec.containers[0].name", "spec.containers[0].ports[0].containerPort", "spec.containers[0].ports",
             "spec.nodeName", "spec.priority", "spec.hostNetwork", "spec.terminationGracePeriodSeconds", "spec.containers[0].resources.limits",
             "spec.containers[0].env", "spec.tolerations", "spec.activeDeadlineSeconds"]),
        ("apis/apps/v1/namespaces/default/deployments",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"fuzz-target"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""",
            ["spec.replicas", "spec.selector", "spec.selector.matchLabels", "spec.template.metadata.labels", "spec.paused",
             "spec.strategy.type", "spec.revisionHistoryLimit", "spec.template.spec.containers"]),
    ];

    private static readonly string[] WrongValues =
        ["5", "-1", "1.5", "true", "false", "\"x\"", "[]", "[5]", "[\"x\"]", "{}", "{\"a\":5}", "{\"a\":{}}", "99999999999", "1e400", "\"" + LoneSurrogate + "\"", "null"];

    private static readonly string[] WritePaths = ["create", "update", "merge", "strategic", "json-patch", "apply"];

    public static FuzzInput RecursiveAlias(Random random)
    {
        string[] bodies =
        [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: rec, labels: *m}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rec}\nx: &a [*a]\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rec\ndata: &d\n  a: *d\n",
            "&r {apiVersion: v1, kind: ConfigMap, metadata: {name: rec}, data: *r}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rec}\ndata: &a {x: &b [*a, *b]}\n",
            "a: &a [*a, *a]\n",
            Laughs(random, random.Next(2, 12), random.Next(2, 12)),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\n" + WideAliases(random.Next(10, 3000)),
        ];
        var body = Encoding.UTF8.GetBytes(Pick(random, bodies));
        return random.Next(3) switch
        {
            0 => new FuzzInput("alias", HttpMethod.Post, ConfigMaps, "application/yaml", body, []),
            1 => new FuzzInput("alias", HttpMethod.Put, ConfigMaps + "/" + FuzzInputGenerator.TargetName, "application/yaml", body, []),
            _ => new FuzzInput("alias", HttpMethod.Patch, ConfigMaps + "/" + FuzzInputGenerator.TargetName + "?fieldManager=fuzz", "application/apply-patch+yaml", body, []),
        };
    }

    /// <summary>A valid object of a kind with one schema field given a value of another JSON type, sent by one write path.</summary>
    public static FuzzInput WrongType(Random random)
    {
        var (collection, valid, fields) = Pick(random, Kinds);
        var field = Pick(random, fields);
        var wrong = JsonNode.Parse(Pick(random, WrongValues));
        var obj = JsonNode.Parse(valid)!.AsObject();
        Set(obj, field, wrong);
        var target = collection + "/" + FuzzInputGenerator.TargetName;
        var query = random.Next(3) == 0 ? "?fieldValidation=" + Pick(random, ["Strict", "Warn", "Ignore"]) : "";
        switch (Pick(random, WritePaths))
        {
            case "create":
                return new FuzzInput("wrong-type", HttpMethod.Post, collection + query, "application/json", Body(obj), []);
            case "update":
                return new FuzzInput("wrong-type", HttpMethod.Put, target + query, "application/json", Body(obj), []);
            case "merge" or "strategic":
                var patch = new JsonObject();
                Set(patch, field, wrong?.DeepClone());
                var type = random.Next(2) == 0 ? "application/merge-patch+json" : "application/strategic-merge-patch+json";
                return new FuzzInput("wrong-type", HttpMethod.Patch, target + query, type, Body(patch), []);
            case "json-patch":
                var pointer = "/" + field.Replace("[0]", "/0", StringComparison.Ordinal).Replace('.', '/');
                var ops = new JsonArray(new JsonObject { ["op"] = Pick(random, ["add", "replace"]), ["path"] = pointer, ["value"] = wrong?.DeepClone() });
                return new FuzzInput("wrong-type", HttpMethod.Patch, target + query, "application/json-patch+json", Body(ops), []);
            default:
                var separator = query.Length == 0 ? "?" : "&";
                return new FuzzInput("wrong-type", HttpMethod.Patch, target + query + separator + "fieldManager=fuzz", "application/apply-patch+yaml", Body(obj), []);
        }
    }

    /// <summary>JSON patches that amplify (copy chains, 10,000+ operations) or mistype their operations; strategic patches that misuse directives.</summary>
    public static FuzzInput AdversarialPatch(Random random)
    {
        var target = ConfigMaps + "/" + FuzzInputGenerator.TargetName;
        if (random.Next(3) == 0)
        {
            string[] strategic =
            [
                """{"$patch":5}""", """{"$patch":null}""", """{"$patch":"x"}""", """{"metadata":{"$patch":true}}""", """{"metadata":{"$retainKeys":"x"}}""",
                """{"metadata":{"$retainKeys":[5]}}""", """{"$setElementOrder/finalizers":5}""", """{"metadata":{"$setElementOrder/finalizers":[{}],"finalizers":["a"]}}""",
                """{"metadata":{"$deleteFromPrimitiveList/finalizers":5}}""", """{"metadata":{"deletionTimestamp":"2024-01-01T00:00:00Z"}}""",
                """{"metadata":{"deletionGracePeriodSeconds":0}}""", """{"metadata":{"ownerReferences":[{"$patch":"delete"}]}}""",
                """{"data":{"$patch":"replace","a":"b"}}""", """{"metadata":{"finalizers":[{"$patch":5}]}}""",
            ];
            var type = random.Next(4) == 0 ? "application/merge-patch+json" : "application/strategic-merge-patch+json";
            return new FuzzInput("hostile-patch", HttpMethod.Patch, target, type, Encoding.UTF8.GetBytes(Pick(random, strategic)), []);
        }

        var patch = new JsonArray();
        switch (random.Next(5))
        {
            case 0:
                // Each copy doubles the object: 1 KB becomes gigabytes within 30 operations without a size cap.
                patch.Add(new JsonObject { ["op"] = "add", ["path"] = "/data/x0", ["value"] = new string('x', random.Next(1, 4096)) });
                for (var i = 0; i < random.Next(5, 40); i++)
                {
                    patch.Add(new JsonObject { ["op"] = "copy", ["from"] = i == 0 ? "/data" : "/metadata/annotations", ["path"] = "/metadata/annotations" });
                    patch.Add(new JsonObject { ["op"] = "copy", ["from"] = "/metadata/annotations", ["path"] = "/data/c" + i.ToString(CultureInfo.InvariantCulture) });
                }

                break;
            case 1:
                for (var i = random.Next(9_990, 10_050); i > 0; i--)
                {
                    patch.Add(new JsonObject { ["op"] = "test", ["path"] = "/kind", ["value"] = "ConfigMap" });
                }

                break;
            case 2:
                JsonNode?[] odd = [5, true, null, new JsonArray(), new JsonObject(), "", "/", "~", "/data/~2"];
                patch.Add(new JsonObject
                {
                    ["op"] = random.Next(2) == 0 ? Pick(random, odd)?.DeepClone() : Pick(random, ["add", "remove", "replace", "move", "copy", "test"]),
                    ["path"] = Pick(random, odd)?.DeepClone(),
                    ["from"] = Pick(random, odd)?.DeepClone(),
                    ["value"] = Pick(random, odd)?.DeepClone(),
                });
                break;
            case 3:
                patch.Add(new JsonObject { ["op"] = "move", ["from"] = "", ["path"] = "/data/x" });
                patch.Add(new JsonObject { ["op"] = "copy", ["from"] = "", ["path"] = "/data/y" });
                patch.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers/" + Pick(random, ["-", "0", "99999999999", "-1", "01"]), ["value"] = "f" });
                break;
            default:
                return new FuzzInput("hostile-patch", HttpMethod.Patch, target, "application/json-patch+json",
                    Encoding.UTF8.GetBytes(Pick(random, ["[5]", "[[]]", "{}", "5", "[null]", "[{\"op\":\"add\"}]", "[{}]"])), []);
        }

        return new FuzzInput("hostile-patch", HttpMethod.Patch, target, "application/json-patch+json", Body(patch), []);
    }

    /// <summary>A request whose body is shorter or longer than its Content-Length, has an absurd or malformed chunk size, or trickles in.</summary>
    public static FuzzInput LyingBody(Random random)
    {
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"lying"},"data":{"a":"b"}}""";
        var head = $"POST /{ConfigMaps} HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\n";
        var (raw, trickle) = random.Next(7) switch
        {
            0 => (head + $"Content-Length: {body.Length + random.Next(1, 1000)}\r\n\r\n" + body, false),
            1 => (head + $"Content-Length: {random.Next(0, body.Length)}\r\n\r\n" + body, false),
            2 => (head + "Transfer-Encoding: chunked\r\n\r\n" + Pick(random, ["FFFFFFFFFFFFFFFFFF", "-1", "zz", "7fffffff", "1;" + new string('x', 5000)]) + "\r\n" + body + "\r\n0\r\n\r\n", false),
            3 => (head + "Transfer-Encoding: chunked\r\n\r\n" + (body.Length + 50).ToString("x", CultureInfo.InvariantCulture) + "\r\n" + body, false),
            4 => (head + "Content-Length: 1073741824\r\n\r\n" + body, false),
            5 => (head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + body, false),
            _ => (head + $"Content-Length: {body.Length}\r\n\r\n" + body, true),
        };
        return new FuzzInput("lying-body", HttpMethod.Post, ConfigMaps, "application/json", null, []) { Raw = Encoding.UTF8.GetBytes(raw), Trickle = trickle };
    }

    private static byte[] Body(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString().Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal));

    private static string Laughs(Random random, int levels, int width)
    {
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  a0: &a0 [\"lol\"]\n");
        for (var i = 1; i < levels; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", width))}]\n");
        }

        return random.Next(2) == 0 ? text.ToString() : text.ToString().Replace("\"lol\"", new string('x', 100), StringComparison.Ordinal);
    }

    private static string WideAliases(int count) =>
        "data:\n  base: &b {k: v}\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  k{i}: *b\n"));

    /// <summary>Sets a dotted path ("metadata.ownerReferences[0].name"), creating objects and one-element lists on the way.</summary>
    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        JsonNode current = root;
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var name = segments[i];
            var list = name.EndsWith("[0]", StringComparison.Ordinal);
            name = list ? name[..^3] : name;
            var last = i == segments.Length - 1;
            var obj = (JsonObject)current;
            if (!list)
            {
                if (last)
                {
                    obj[name] = value;
                    return;
                }

                if (obj[name] is not JsonObject next)
                {
                    next = [];
                    obj[name] = next;
                }

                current = next;
                continue;
            }

            if (obj[name] is not JsonArray array || array.Count == 0)
            {
                array = [new JsonObject()];
                obj[name] = array;
            }

            if (last)
            {
                array[0] = value;
                return;
            }

            if (array[0] is not JsonObject element)
            {
                element = [];
                array[0] = element;
            }

            current = element;
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
