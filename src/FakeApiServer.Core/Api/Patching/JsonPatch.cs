using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Patching;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers. A failed operation is a
/// client error: the caller answers 422 with the message, as kube-apiserver does for an unappliable patch.
/// </summary>
internal static class JsonPatch
{
    /// <summary>kube-apiserver's maxJSONPatchOperations: a longer patch is 413 before it is applied.</summary>
    public const int MaxOperations = 10_000;

    /// <summary>
    /// kube-apiserver's JSONPatchMaxCopyBytes (3 MiB), set as json-patch's AccumulatedCopySizeLimit: the JSON size of
    /// all values one patch copies, so a few doubling "copy" operations cannot grow an object without bound.
    /// </summary>
    public const long MaxCopyBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Our own bound, which upstream does not have: the number of JSON values (objects, arrays, scalars) one patch may
    /// copy in total. Three MiB of small values is tens of thousands of nodes, tens of MiB of memory per request once
    /// materialised; a real patch copies a few hundred. Counted before the copy, like <see cref="MaxCopyBytes"/>.
    /// </summary>
    public const long MaxCopyNodes = 10_000;

    /// <summary>The string fields of upstream's jsonPatchOp (value is any JSON).</summary>
    private static readonly string[] DecodedFields = ["op", "path", "from"];

    /// <summary>
    /// What upstream's patch handler checks before applying (400 and 413 as ApiException): with fieldValidation Strict
    /// or Warn (<paramref name="strictDecoding"/>) it first decodes the operations into its typed jsonPatchOp list
    /// (string op, path and from); then json-patch decodes the list; then at most <see cref="MaxOperations"/>.
    /// </summary>
    public static void Validate(JsonNode? patch, bool strictDecoding)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiException.BadRequest(strictDecoding
                ? $"error decoding patch: json: cannot unmarshal {GoJsonType(patch)} into Go value of type []handlers.jsonPatchOp"
                : $"json: cannot unmarshal {GoJsonType(patch)} into Go value of type jsonpatch.Patch");
        }

        foreach (var operation in operations)
        {
            if (operation is not (null or JsonObject))
            {
                throw ApiException.BadRequest(strictDecoding
                    ? $"error decoding patch: json: cannot unmarshal {GoJsonType(operation)} into Go value of type handlers.jsonPatchOp"
                    : $"json: cannot unmarshal {GoJsonType(operation)} into Go value of type jsonpatch.Operation");
            }

            if (strictDecoding && operation is JsonObject op
                && DecodedFields.FirstOrDefault(f => op[f] is { } v && v.GetValueKind() != System.Text.Json.JsonValueKind.String) is { } field)
            {
                throw ApiException.BadRequest(
                    $"error decoding patch: json: cannot unmarshal {GoJsonType(op[field])} into Go struct field jsonPatchOp.{field} of type string");
            }
        }

        if (operations.Count > MaxOperations)
        {
            throw ApiException.RequestEntityTooLarge(
                $"The allowed maximum operations in a JSON patch is {MaxOperations}, got {operations.Count}");
        }
    }

    /// <summary>
    /// The size of a value's compact JSON (json-patch counts len(json.Marshal(value))), summed over the tree rather than
    /// serialized: a copy chain near the limit would otherwise allocate megabytes per operation just to be measured.
    /// String escapes are not counted.
    /// </summary>
    private static long JsonSize(JsonNode? node) => node switch
    {
        null => 4,
        JsonObject obj => 2 + Math.Max(0, obj.Count - 1) + obj.Sum(p => System.Text.Encoding.UTF8.GetByteCount(p.Key) + 3 + JsonSize(p.Value)),
        JsonArray list => 2 + Math.Max(0, list.Count - 1) + list.Sum(JsonSize),
        JsonValue value when value.TryGetValue<string>(out var text) => System.Text.Encoding.UTF8.GetByteCount(text) + 2,
        _ => node.ToJsonString().Length,
    };

    /// <summary>The number of JSON values in a tree (itself included), counting no further than <paramref name="atMost"/>.</summary>
    private static long NodeCount(JsonNode? node, long atMost)
    {
        long count = 1;
        var children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray list => list,
            _ => [],
        };
        foreach (var child in children)
        {
            if (count >= atMost)
            {
                break;
            }

            count += NodeCount(child, atMost - count);
        }

        return count;
    }

    /// <summary>How Go's encoding/json names a JSON value's type in "cannot unmarshal X into ...".</summary>
    public static string GoJsonType(JsonNode? node) => node?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Object => "object",
        System.Text.Json.JsonValueKind.Array => "array",
        System.Text.Json.JsonValueKind.String => "string",
        System.Text.Json.JsonValueKind.Number => "number",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        _ => "null",
    };

    public static JsonNode? Apply(JsonNode? document, JsonNode? patch)
    {
        Validate(patch, strictDecoding: false);
        var root = document?.DeepClone();
        long copied = 0;
        long copiedNodes = 0;
        foreach (var operation in (JsonArray)patch!)
        {
            var op = operation as JsonObject ?? [];
            var kind = op["op"] is JsonValue v && v.TryGetValue<string>(out var k) ? k : "unknown";
            if (kind is not ("add" or "remove" or "replace" or "move" or "copy" or "test"))
            {
                throw new JsonPatchException($"Unexpected kind: {kind}");
            }

            var path = Pointer(op, "path", kind);
            switch (kind)
            {
                case "add":
                    root = Add(root, path, Value(op));
                    break;
                case "remove":
                    root = Remove(root, path, out _);
                    break;
                case "replace":
                    root = Replace(root, path, Value(op));
                    break;
                case "move":
                {
                    var from = Pointer(op, "from", kind);
                    root = Remove(root, from, out var moved);
                    root = Add(root, path, moved);
                    break;
                }

                case "copy":
                {
                    var from = Pointer(op, "from", kind);
                    var value = Get(root, from);
                    copied += JsonSize(value);
                    if (copied > MaxCopyBytes)
                    {
                        throw new JsonPatchException(
                            $"Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MaxCopyBytes}");
                    }

                    copiedNodes += NodeCount(value, MaxCopyNodes - copiedNodes + 1);
                    if (copiedNodes > MaxCopyNodes)
                    {
                        throw new JsonPatchException(
                            $"Unable to complete the copy, the accumulated number of copied values exceeds the limit {MaxCopyNodes}");
                    }

                    root = Add(root, path, value?.DeepClone());
                    break;
                }

                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), Value(op)))
                    {
                        throw new JsonPatchException($"testing value {path} failed: test failed");
                    }

                    break;
            }
        }

        return root;
    }

    /// <summary>
    /// The op's "path" or "from" pointer, or json-patch's message when it is missing (or null) or not a string: add,
    /// remove and copy's path report only "missing value"; the others carry the decoding error.
    /// </summary>
    private static string Pointer(JsonObject op, string field, string kind)
    {
        var node = op[field];
        if (node is JsonValue value && value.TryGetValue<string>(out var pointer))
        {
            return pointer;
        }

        if (field == "path" && kind is "add" or "remove" or "copy")
        {
            throw new JsonPatchException($"{kind} operation failed to decode path: missing value");
        }

        var cause = node is null
            ? field == "path" ? "operation missing path field: missing value" : "operation, missing from field: missing value"
            : $"json: cannot unmarshal {GoJsonType(node)} into Go value of type string";
        throw new JsonPatchException($"{kind} operation failed to decode {field}: {cause}");
    }

    private static JsonNode? Value(JsonObject op) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw new JsonPatchException("missing value");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new JsonPatchException($"invalid JSON pointer: {pointer}");
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode? root, string pointer)
    {
        var node = root;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw new JsonPatchException($"doc is missing path: \"{pointer}\": missing value"),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            return value;
        }

        var parent = Get(root, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        if (tokens.Length == 1)
        {
            parent = root;
        }

        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= a.Count)
                {
                    a.Insert(index, value);
                }
                else
                {
                    throw new JsonPatchException($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
                }

                break;
            default:
                throw new JsonPatchException($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }

        return root;
    }

    /// <summary>
    /// replace as kube-apiserver's json-patch (evanphx/json-patch v4) does it: a member of an existing object is set
    /// whether or not it was there (the C# client's cordon and rollout pause/restart rely on it); an array element
    /// must exist (negative indices count from the end); a missing parent is an error.
    /// </summary>
    private static JsonNode? Replace(JsonNode? root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            return value;
        }

        JsonNode? parent;
        try
        {
            parent = tokens.Length == 1 ? root : Get(root, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        }
        catch (JsonPatchException)
        {
            parent = null;
        }

        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                return root;
            case JsonArray a when int.TryParse(last, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) && index >= -a.Count && index < a.Count:
                a[index < 0 ? index + a.Count : index] = value;
                return root;
            case JsonArray:
                throw new JsonPatchException($"replace operation does not apply: doc is missing key: {pointer}: missing value");
            default:
                throw new JsonPatchException($"replace operation does not apply: doc is missing path: {pointer}: missing value");
        }
    }

    private static JsonNode? Remove(JsonNode? root, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            removed = root;
            return null;
        }

        var parent = tokens.Length == 1 ? root : Get(root, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last];
                o.Remove(last);
                return root;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count:
                removed = a[index];
                a.RemoveAt(index);
                return root;
            default:
                throw new JsonPatchException($"doc is missing path: \"{pointer}\": missing value");
        }
    }

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}

/// <summary>A JSON patch that cannot be applied to the object.</summary>
internal sealed class JsonPatchException(string message) : Exception(message);
