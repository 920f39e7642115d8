using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// The fieldValidation option of create, update and patch (server-side field validation, GA in 1.27): unknown and
/// duplicate fields are rejected with 400 under Strict, reported as Warning headers under Warn (the default), and
/// dropped silently under Ignore. Unknown fields are pruned in every mode, as the decoder drops them upstream.
/// </summary>
internal static class FieldValidation
{
    /// <summary>Prunes <paramref name="obj"/> against the kind's schema and applies the request's fieldValidation mode.</summary>
    /// <param name="context">The request (its fieldValidation parameter; the response for warnings).</param>
    /// <param name="definition">The kind, for the upstream message.</param>
    /// <param name="schema">The kind's schema; null means every field is known.</param>
    /// <param name="obj">The object to check; unknown fields are removed from it.</param>
    /// <param name="body">
    /// The raw JSON body, for duplicate fields; null when the object did not come as one body (patches), empty when
    /// the body is known to have none (see <see cref="RequestBody.ReadObjectAndBytesAsync"/>).
    /// </param>
    public static void Apply(HttpContext context, ResourceDefinition definition, StructuralSchema? schema, JsonObject obj, byte[]? body)
    {
        var mode = context.Request.Query["fieldValidation"].ToString();
        var problems = new List<string>();
        if (mode != "Ignore" && body is { Length: > 0 })
        {
            problems.AddRange(DuplicateFields(body).Select(f => $"duplicate field \"{f}\""));
        }

        if (schema is not null)
        {
            problems.AddRange(UnknownFields.Prune(obj, schema).Select(f => $"unknown field \"{f}\""));
        }

        if (problems.Count == 0 || mode == "Ignore")
        {
            return;
        }

        if (mode == "Strict")
        {
            throw ApiException.BadRequest(
                $"{definition.Kind} in version \"{definition.Version}\" cannot be handled as a {definition.Kind}: strict decoding error: {string.Join(", ", problems)}");
        }

        foreach (var problem in problems)
        {
            Warnings.Add(context, problem);
        }
    }

    /// <summary>The dotted paths of properties that appear twice in one JSON object of <paramref name="json"/>.</summary>
    public static IReadOnlyList<string> DuplicateFields(byte[] json)
    {
        var duplicates = new List<string>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip });
        var scopes = new Stack<(HashSet<string>? Names, string Path)>();
        var pendingName = "";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push((new HashSet<string>(StringComparer.Ordinal), ChildPath(scopes, pendingName)));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push((null, ChildPath(scopes, pendingName)));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString() ?? "";
                        var scope = scopes.Peek();
                        if (scope.Names is not null && !scope.Names.Add(pendingName))
                        {
                            duplicates.Add(scope.Path.Length == 0 ? pendingName : scope.Path + "." + pendingName);
                        }

                        continue;
                }

                if (reader.TokenType is not JsonTokenType.PropertyName)
                {
                    pendingName = "";
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (YAML bodies): YAML parsing reports its own duplicate keys.
        }

        return duplicates;
    }

    private static string ChildPath(Stack<(HashSet<string>? Names, string Path)> scopes, string name)
    {
        if (scopes.Count == 0)
        {
            return "";
        }

        var parent = scopes.Peek().Path;
        return name.Length == 0 ? parent : parent.Length == 0 ? name : parent + "." + name;
    }
}
