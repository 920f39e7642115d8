using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Patching;

/// <summary>RFC 7386 JSON merge patch: objects merge recursively, null deletes a key, everything else (lists too) replaces.</summary>
internal static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }

    /// <summary>
    /// <see cref="Apply"/> into <paramref name="target"/> itself, which the caller owns (the update loop's copy of the
    /// stored object): the same result without copying the target first, level by level. The patch is not changed.
    /// </summary>
    public static JsonNode? ApplyInPlace(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject || target is not JsonObject result)
        {
            return Apply(target, patch);
        }

        for (var i = 0; i < patchObject.Count; i++)
        {
            var (key, value) = patchObject.GetAt(i);
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject && result[key] is JsonObject child)
            {
                ApplyInPlace(child, value);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
