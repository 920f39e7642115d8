using System.Collections.Frozen;

namespace FakeApiServer.Schema;

/// <summary>
/// The summaries of the KubernetesClient model types and properties (the upstream field descriptions), read from
/// the resource that the csproj extracts from the package's XML documentation (KubernetesModelDocs.xslt).
/// Loaded on first use.
/// </summary>
internal static class ModelDocs
{
    /// <summary>The embedded resource's logical name, set in FakeApiServer.Core.csproj.</summary>
    public const string ResourceName = "FakeApiServer.Schema.KubernetesModelDocs.txt";

    private static readonly Lazy<FrozenDictionary<string, string>> Summaries = new(Load);

    /// <summary>The summary of a model type, e.g. "A single application container that you want to run within a pod."</summary>
    public static string? ForType(Type model) => Summaries.Value.GetValueOrDefault("T:" + model.Name);

    /// <summary>The summary of a model property by its C# name, e.g. (typeof(V1Container), "Image").</summary>
    public static string? ForProperty(Type model, string propertyName) =>
        Summaries.Value.GetValueOrDefault("P:" + model.Name + "." + propertyName);

    /// <summary>How many summaries the resource holds (0 when it is missing).</summary>
    public static int Count => Summaries.Value.Count;

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(ModelDocs).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return FrozenDictionary<string, string>.Empty;
        }

        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && tab < line.Length - 1)
            {
                summaries.TryAdd(line[..tab], line[(tab + 1)..]);
            }
        }

        return summaries.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
