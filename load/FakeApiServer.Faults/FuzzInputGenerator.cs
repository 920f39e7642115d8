using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Faults;

/// <summary>
/// Generates bad input from a seed: malformed and mutated JSON and YAML bodies, the four patch types with
/// random documents, label and field selectors, query parameters (limit, continue, resourceVersion,
/// timeoutSeconds, fieldValidation, dryRun, ...), huge and deeply nested bodies, invalid UTF-8, odd paths and
/// headers, and the hostile classes of <see cref="HostileInputGenerator"/>. Input <c>i</c> of seed <c>s</c> depends only on (s, i), so a failure reproduces from the two numbers.
/// </summary>
internal static class FuzzInputGenerator
{
    /// <summary>The object every patch and update aims at; the scenario creates it first.</summary>
    public const string TargetName = "fuzz-target";

    private static readonly string[] Collections =
    [
        "api/v1/namespaces/default/configmaps", "api/v1/namespaces/default/pods", "api/v1/namespaces/default/services",
        "api/v1/namespaces/default/secrets", "api/v1/namespaces", "api/v1/nodes", "api/v1/namespaces/default/events",
        "api/v1/namespaces/default/serviceaccounts", "api/v1/namespaces/default/persistentvolumeclaims",
        "apis/apps/v1/namespaces/default/deployments", "apis/apps/v1/namespaces/default/replicasets",
        "apis/batch/v1/namespaces/default/jobs", "apis/networking.k8s.io/v1/namespaces/default/ingresses",
        "apis/apiextensions.k8s.io/v1/customresourcedefinitions", "apis/coordination.k8s.io/v1/namespaces/default/leases",
        "apis/rbac.authorization.k8s.io/v1/clusterroles", "api/v1/configmaps", "api/v1/pods",
    ];

    private static readonly string[] Subresources = ["status", "scale", "binding", "log", "exec", "eviction", "proxy", "ephemeralcontainers", "x"];

    private static readonly string[] Keys =
    [
        "apiVersion", "kind", "metadata", "name", "namespace", "generateName", "labels", "annotations", "resourceVersion",
        "uid", "finalizers", "ownerReferences", "deletionTimestamp", "creationTimestamp", "managedFields", "generation",
        "spec", "status", "data", "binaryData", "stringData", "containers", "image", "ports", "containerPort", "replicas",
        "selector", "matchLabels", "template", "type", "clusterIP", "items", "v", "$patch", "$retainKeys",
        "$setElementOrder/containers", "$deleteFromPrimitiveList/finalizers", "immutable", "nodeName", "conditions",
        "op", "path", "value", "from", "fieldsV1", "target", "versions", "schema", "openAPIV3Schema", "names", "plural", "group", "scope",
    ];

    private static readonly string[] Scalars =
    [
        "", "a", "fuzz-target", "default", "v1", "ConfigMap", "Pod", "-1", "0", "1e400", "null", "true", "\u0000", "\ud800",
        "../..", "a/b", "%2F", "😀", "x=y", "!", "a,b", "9223372036854775808", "2024-13-45T25:61:61Z", "{", "[", "\\",
    ];

    private static readonly string[] Parameters =
    [
        "limit", "continue", "resourceVersion", "resourceVersionMatch", "timeoutSeconds", "fieldValidation", "dryRun",
        "labelSelector", "fieldSelector", "watch", "allowWatchBookmarks", "sendInitialEvents", "propagationPolicy",
        "gracePeriodSeconds", "orphanDependents", "fieldManager", "force", "pretty", "includeObject", "container", "follow",
    ];

    private static readonly string[] ParameterValues =
    [
        "", "0", "1", "-1", "500", "2147483648", "99999999999999999999", "abc", "true", "false", "All", "Strict", "Warn",
        "Ignore", "NotOlderThan", "Exact", "Foreground", "Background", "Orphan", "x", "1.5", "0x10", " 1", "%00", "%ff",
        "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJhIn0", "eyJ2Ijo", "bm90IGpzb24", "a=b", "a in (b,c)", "!a",
        "a,b=c", "metadata.name=x", "metadata.name!=x", "spec.nodeName=", "status.phase==Running", "foo=bar,,", "a in (",
        "a notin b", "a=" + new string('b', 70), "metadata.namespace=default", "a>1", "=", "!=", "==",
    ];

    private static readonly string[] PatchTypes =
    [
        "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "text/plain", "application/json; charset=utf-16",
        "application/json;;", "*/*", "application/cbor", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "",
    ];

    private static readonly string[] Accepts =
    [
        "application/json", "application/yaml", "application/json;as=Table;v=v1;g=meta.k8s.io", "application/json;as=Table;v=v9;g=meta.k8s.io",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", "application/vnd.kubernetes.protobuf", "text/html",
        "application/json;as=Table;g=meta.k8s.io;v=v1beta1", "*/*;q=0", "application/json;stream=watch", "garbage/", ";;;",
    ];

    public static FuzzInput Generate(int seed, long index)
    {
        // Not HashCode.Combine: it is seeded per process, and a failure must reproduce in another run.
        var random = new Random(unchecked((seed * 1_000_003) ^ (int)index ^ (int)(index >> 32)));
        return random.Next(17) switch
        {
            12 => HostileInputGenerator.RecursiveAlias(random),
            13 or 14 => HostileInputGenerator.WrongType(random),
            15 => HostileInputGenerator.AdversarialPatch(random),
            16 => HostileInputGenerator.LyingBody(random),
            0 or 1 => MalformedBody(random, "application/json", MutatedJson(random)),
            2 => MalformedBody(random, "application/yaml", Encoding.UTF8.GetBytes(Yaml(random))),
            3 or 4 => Patch(random),
            5 or 6 => Query(random),
            7 => Huge(random),
            8 => InvalidUtf8(random),
            9 => OddPath(random),
            10 => OddHeaders(random),
            _ => Delete(random),
        };
    }

    private static FuzzInput MalformedBody(Random random, string contentType, byte[] body)
    {
        var collection = Pick(random, Collections);
        var (method, path) = random.Next(3) switch
        {
            0 => (HttpMethod.Put, $"{collection}/{TargetName}"),
            _ => (HttpMethod.Post, collection),
        };
        return new FuzzInput("body", method, path + RandomQuery(random, 0.3), contentType, body, []);
    }

    private static FuzzInput Patch(Random random)
    {
        var type = Pick(random, PatchTypes);
        var collection = random.Next(3) == 0 ? Pick(random, Collections) : "api/v1/namespaces/default/configmaps";
        var sub = random.Next(6) == 0 ? "/" + Pick(random, Subresources) : "";
        var document = type == "application/apply-patch+yaml" && random.Next(2) == 0
            ? Encoding.UTF8.GetBytes(Yaml(random))
            : type == "application/json-patch+json" && random.Next(2) == 0
                ? Encoding.UTF8.GetBytes(JsonPatch(random))
                : MutatedJson(random);
        var query = type == "application/apply-patch+yaml" && random.Next(4) != 0 ? "?fieldManager=fuzz" + RandomQuery(random, 0.3, "&") : RandomQuery(random, 0.4);
        return new FuzzInput("patch", HttpMethod.Patch, $"{collection}/{TargetName}{sub}{query}", type, document, []);
    }

    private static FuzzInput Query(Random random)
    {
        var collection = Pick(random, Collections);
        var path = random.Next(4) == 0 ? $"{collection}/{TargetName}" : collection;
        var query = new StringBuilder("?");
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            query.Append(Pick(random, Parameters)).Append('=').Append(Uri.EscapeDataString(Pick(random, ParameterValues))).Append('&');
        }

        return new FuzzInput("query", HttpMethod.Get, path + query.ToString().TrimEnd('&'), null, null, []);
    }

    private static FuzzInput Huge(Random random)
    {
        var depth = random.Next(3) switch { 0 => 100, 1 => 10_000, _ => 50_000 };
        var open = random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var body = random.Next(4) switch
        {
            0 => """{"metadata":{"name":"huge"},"data":{"k":""" + "\"" + new string('x', random.Next(1, 5) * 1024 * 1024) + "\"}}",
            1 => """{"metadata":{"name":"deep"},"data":""" + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "}",
            2 => string.Concat(Enumerable.Repeat(open, depth)),
            _ => """{"metadata":{"name":"wide","labels":{""" + string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"k{i}\":\"v\"")) + "}}}",
        };
        var (method, path, type) = random.Next(3) switch
        {
            0 => (HttpMethod.Post, "api/v1/namespaces/default/configmaps", "application/json"),
            1 => (HttpMethod.Patch, $"api/v1/namespaces/default/configmaps/{TargetName}", Pick(random, PatchTypes)),
            _ => (HttpMethod.Put, $"api/v1/namespaces/default/configmaps/{TargetName}", random.Next(2) == 0 ? "application/yaml" : "application/json"),
        };
        if (body.StartsWith("""{"metadata":{"name":"wide""", StringComparison.Ordinal) && type.Contains("yaml", StringComparison.Ordinal))
        {
            // Known limitation (docs/benchmarks.md): YamlDotNet scans one very long line in quadratic time, so
            // 50,000 keys on one line as YAML take over 20 s. The wide object goes as JSON only.
            type = "application/json";
        }

        return new FuzzInput("huge", method, path, type, Encoding.UTF8.GetBytes(body), []);
    }

    private static FuzzInput InvalidUtf8(Random random)
    {
        byte[][] bad = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x00], [0xef, 0xbb, 0xbf]];
        var text = Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"utf","labels":{"a":"b"}},"data":{"k":"v"}}""");
        var body = new List<byte>(text);
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            body.InsertRange(random.Next(body.Count + 1), Pick(random, bad));
        }

        var (method, path, type) = random.Next(4) switch
        {
            0 => (HttpMethod.Patch, $"api/v1/namespaces/default/configmaps/{TargetName}", Pick(random, PatchTypes)),
            1 => (HttpMethod.Post, "api/v1/namespaces/default/configmaps", "application/yaml"),
            2 => (HttpMethod.Get, "api/v1/namespaces/default/configmaps?labelSelector=a%FF%FE&fieldSelector=metadata.name%3D%C3", (string?)null),
            _ => (HttpMethod.Post, "api/v1/namespaces/default/configmaps", "application/json"),
        };
        return new FuzzInput("utf8", method, path, type, type is null ? null : [.. body], []);
    }

    private static FuzzInput OddPath(Random random)
    {
        string[] segments =
        [
            "api", "apis", "v1", "namespaces", "default", "configmaps", "pods", "status", "", "..", ".", "%2e%2e", "%2F", "%00",
            "%ff", "x", "apps", "v2", "watch", "openapi", "v3", "version", "healthz", "metrics", "log", "proxy", "😀",
            new string('a', 300), "UPPER", "a b", "a;b", "-", "_", "*", TargetName, "openapi/v2", "apis/apps", "readyz?verbose",
        ];
        var path = string.Join("/", Enumerable.Range(0, random.Next(1, 9)).Select(_ => Pick(random, segments)));
        HttpMethod[] methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Head, HttpMethod.Options, new("PROPFIND")];
        var method = Pick(random, methods);
        var body = method == HttpMethod.Get || method == HttpMethod.Head ? null : MutatedJson(random);
        return new FuzzInput("path", method, path + RandomQuery(random, 0.3), body is null ? null : Pick(random, ContentTypes.Concat(PatchTypes).ToArray()), body, []);
    }

    private static FuzzInput OddHeaders(Random random)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Accept", Pick(random, Accepts)) };
        if (random.Next(2) == 0)
        {
            headers.Add(new("Accept-Encoding", random.Next(2) == 0 ? "gzip" : "deflate, br, zstd, x"));
        }

        if (random.Next(3) == 0)
        {
            headers.Add(new("Impersonate-User", Pick(random, Scalars.Where(s => s.All(c => c is >= ' ' and < (char)127)).ToArray())));
        }

        var collection = Pick(random, Collections);
        var (method, path, type, body) = random.Next(3) switch
        {
            0 => (HttpMethod.Get, collection + RandomQuery(random, 0.5), (string?)null, (byte[]?)null),
            1 => (HttpMethod.Get, $"{collection}/{TargetName}", null, null),
            _ => (HttpMethod.Post, collection + "?dryRun=All", Pick(random, ContentTypes), MutatedJson(random)),
        };
        return new FuzzInput("headers", method, path, type, body, headers);
    }

    private static FuzzInput Delete(Random random)
    {
        var collection = Pick(random, Collections);
        var path = random.Next(2) == 0 ? $"{collection}/{TargetName}" : collection;
        var body = random.Next(2) == 0 ? null : MutatedJson(random, DeleteOptions(random));
        // Keep the target: deletes are dry runs, except for collections of other kinds now and then.
        var query = "?dryRun=All" + RandomQuery(random, 0.6, "&");
        return new FuzzInput("delete", HttpMethod.Delete, path + query, body is null ? null : "application/json", body, []);
    }

    private static string DeleteOptions(Random random) => new JsonObject
    {
        ["kind"] = "DeleteOptions",
        ["apiVersion"] = "v1",
        ["propagationPolicy"] = Pick(random, ParameterValues),
        ["gracePeriodSeconds"] = random.Next(3) == 0 ? JsonValue.Create(-5) : JsonValue.Create(Pick(random, ParameterValues)),
        ["preconditions"] = new JsonObject { ["resourceVersion"] = Pick(random, ParameterValues), ["uid"] = Pick(random, Scalars) },
        ["dryRun"] = new JsonArray(Pick(random, ParameterValues)),
    }.ToJsonString();

    private static string RandomQuery(Random random, double probability, string first = "?")
    {
        if (random.NextDouble() >= probability)
        {
            return "";
        }

        var parts = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, Parameters) + "=" + Uri.EscapeDataString(Pick(random, ParameterValues)));
        return first + string.Join("&", parts);
    }

    private static string JsonPatch(Random random)
    {
        string[] ops = ["add", "remove", "replace", "move", "copy", "test", "nope", ""];
        string[] paths = ["/data/v", "/data", "/metadata/labels/a", "/metadata/name", "/metadata/resourceVersion", "/data/-", "/x/0", "", "/", "/data/~1~0", "/data/~2", "/spec/containers/0/image", "/metadata/finalizers/-", "/metadata/managedFields"];
        var patch = new JsonArray();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var op = new JsonObject { ["op"] = Pick(random, ops), ["path"] = Pick(random, paths) };
            if (random.Next(3) != 0)
            {
                op["value"] = RandomValue(random, 2);
            }

            if (random.Next(4) == 0)
            {
                op["from"] = Pick(random, paths);
            }

            patch.Add(op);
        }

        return patch.ToJsonString();
    }

    private static string Yaml(Random random)
    {
        string[] yamls =
        [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: b\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tab\n",
            "a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\ne: &e [*d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e]\n",
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n",
            "metadata: !!binary aGVsbG8=\n",
            "? [complex, key]\n: value\n",
            "metadata:\n  name: fuzz-target\n  labels: {a: *undefined}\n",
            "data: {k: !!float .nan, j: 0x1F, l: 1_000, m: 2001-12-14t21:59:43.10-05:00, n: ~}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz-target\ndata:\n  k: 12345678901234567890123456789\n  b: yes\n",
            "%YAML 9.9\n--- x\n",
            "!!python/object:os.system [ls]\n",
            "[",
            "{a: b, a: c}",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz-target\n  annotations:\n    x: |\n      " + new string('y', 100) + "\n",
            "<<: {a: b}\nmetadata: {name: merge-key}\n",
            "",
            "   \n",
            "- a\n- b\n",
            "just a string",
        ];
        var yaml = Pick(random, yamls);
        return random.Next(3) == 0 ? Mutate(random, yaml) : yaml;
    }

    private static byte[] MutatedJson(Random random, string? seedJson = null)
    {
        var json = seedJson ?? RandomObject(random).ToJsonString();
        return Encoding.UTF8.GetBytes(random.Next(3) == 0 ? json : Mutate(random, json));
    }

    private static JsonObject RandomObject(Random random)
    {
        // Mostly plausible objects aimed at the target, varied one field at a time by random values.
        var obj = new JsonObject
        {
            ["apiVersion"] = random.Next(5) == 0 ? RandomValue(random, 1) : "v1",
            ["kind"] = random.Next(5) == 0 ? RandomValue(random, 1) : "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = random.Next(4) == 0 ? RandomValue(random, 1) : TargetName },
        };
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var key = Pick(random, Keys);
            if (random.Next(2) == 0)
            {
                (obj["metadata"] as JsonObject ?? obj)[key] = RandomValue(random, 3);
            }
            else
            {
                obj[key] = RandomValue(random, 3);
            }
        }

        return obj;
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth <= 0 ? 5 : 8))
        {
            case 0: return null;
            case 1: return JsonValue.Create(Pick(random, Scalars));
            case 2: return JsonValue.Create(random.Next(4) switch { 0 => long.MaxValue, 1 => -1, 2 => 0, _ => random.Next() });
            case 3: return JsonValue.Create(random.Next(2) == 0);
            case 4: return JsonValue.Create(random.Next(2) == 0 ? 1.5 : double.Epsilon);
            case 5:
            case 6:
                var obj = new JsonObject();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    obj[Pick(random, Keys)] = RandomValue(random, depth - 1);
                }

                return obj;
            default:
                var array = new JsonArray();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    array.Add(RandomValue(random, depth - 1));
                }

                return array;
        }
    }

    private static string Mutate(Random random, string text)
    {
        const string Alphabet = "{}[]\",:\\ 01-9eE.+atrunfl\u0000\t\n'#&*!|>-?%@`";
        var builder = new StringBuilder(text);
        for (var i = random.Next(1, 4); i > 0 && builder.Length > 0; i--)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(5))
            {
                case 0:
                    builder.Remove(at, 1);
                    break;
                case 1:
                    builder.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    builder.Length = at;
                    break;
                case 3:
                    builder[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                default:
                    var length = Math.Min(random.Next(1, 20), builder.Length - at);
                    builder.Insert(at, builder.ToString(at, length));
                    break;
            }
        }

        return builder.ToString();
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
