using System.Collections.Frozen;
using System.Text;
using System.Xml.Linq;

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

    private static readonly Lazy<FrozenDictionary<string, string>> OwnSummaries = new(LoadOwn);

    /// <summary>The summary of a model type, e.g. "A single application container that you want to run within a pod."</summary>
    public static string? ForType(Type model) => IsPackageModel(model)
        ? Summaries.Value.GetValueOrDefault("T:" + model.Name)
        : OwnSummaries.Value.GetValueOrDefault("T:" + model.FullName);

    /// <summary>The summary of a model property by its C# name, e.g. (typeof(V1Container), "Image").</summary>
    public static string? ForProperty(Type model, string propertyName) => IsPackageModel(model)
        ? Summaries.Value.GetValueOrDefault("P:" + model.Name + "." + propertyName)
        : OwnSummaries.Value.GetValueOrDefault("P:" + model.FullName + "." + propertyName);

    private static bool IsPackageModel(Type model) => model.Namespace == "k8s.Models";

    /// <summary>How many summaries the resource holds (0 when it is missing).</summary>
    public static int Count => Summaries.Value.Count;

    /// <summary>
    /// The summaries of this assembly's own model types ([ApiModel], [ApiFieldsOf]) from the XML documentation file
    /// the build writes beside it (GenerateDocumentationFile), as one line of plain text each: &lt;see cref&gt; becomes the
    /// referenced name, &lt;c&gt; its text. Empty when the file is missing (e.g. a single-file publish).
    /// </summary>
    private static FrozenDictionary<string, string> LoadOwn()
    {
        var path = Path.Combine(AppContext.BaseDirectory, typeof(ModelDocs).Assembly.GetName().Name + ".xml");
        if (!File.Exists(path))
        {
            return FrozenDictionary<string, string>.Empty;
        }

        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
            {
                summaries.TryAdd(name, PlainText(summary));
            }
        }

        return summaries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string PlainText(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" } see => see.Attribute("cref")?.Value.Split('.')[^1] ?? see.Value,
                XElement e => PlainText(e),
                _ => "",
            });
        }

        return string.Join(' ', text.ToString().Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

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
