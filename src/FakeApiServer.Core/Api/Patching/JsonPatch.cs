using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Patching;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers. A failed operation is a
/// client error: the caller answers 422 with the message, as kube-apiserver does for an unappliable patch.
/// </summary>
internal static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new JsonPatchException("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }

        var root = document?.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw new JsonPatchException("invalid JSON patch operation");
            }

            var kind = op["op"]?.GetValue<string>() ?? throw new JsonPatchException("Unexpected kind: missing op");
            var path = op["path"]?.GetValue<string>() ?? throw new JsonPatchException($"missing path in {kind} operation");
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
                    var from = op["from"]?.GetValue<string>() ?? throw new JsonPatchException("missing from in move operation");
                    root = Remove(root, from, out var moved);
                    root = Add(root, path, moved);
                    break;
                }

                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw new JsonPatchException("missing from in copy operation");
                    root = Add(root, path, Get(root, from)?.DeepClone());
                    break;
                }

                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), Value(op)))
                    {
                        throw new JsonPatchException($"testing value {path} failed: test failed");
                    }

                    break;
                default:
                    throw new JsonPatchException($"Unexpected kind: {kind}");
            }
        }

        return root;
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
