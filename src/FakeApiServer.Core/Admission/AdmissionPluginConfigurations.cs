using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission;

/// <summary>
/// The plugins' configurations from --admission-control-config-file (kube-apiserver's AdmissionConfiguration of
/// apiserver.config.k8s.io/v1, or apiserver.k8s.io/v1alpha1): for each named plugin, its embedded
/// <c>configuration</c> or the document at its <c>path</c> (relative to the file's folder). JSON or YAML.
/// </summary>
internal sealed class AdmissionPluginConfigurations
{
    private static readonly string[] ApiVersions = ["apiserver.config.k8s.io/v1", "apiserver.k8s.io/v1alpha1"];

    private readonly Dictionary<string, JsonObject> _byPlugin;

    private AdmissionPluginConfigurations(Dictionary<string, JsonObject> byPlugin) => _byPlugin = byPlugin;

    /// <summary>No file: every plugin has its defaults.</summary>
    public static AdmissionPluginConfigurations Empty { get; } = new(new Dictionary<string, JsonObject>(StringComparer.Ordinal));

    /// <summary>The configuration document of a plugin, or null when the file names none.</summary>
    public JsonObject? For(string plugin) => _byPlugin.TryGetValue(plugin, out var config) ? config : null;

    /// <summary>The file's configurations (null or empty path: none); throws <see cref="FormatException"/> when it cannot be used.</summary>
    public static AdmissionPluginConfigurations Load(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return Empty;
        }

        var file = Read(path);
        var apiVersion = file.GetString("apiVersion") ?? "";
        if (file.GetString("kind") != "AdmissionConfiguration" || !ApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            throw new FormatException($"{path}: expected kind AdmissionConfiguration of {string.Join(" or ", ApiVersions)}");
        }

        var byPlugin = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        foreach (var plugin in (file["plugins"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = plugin.GetString("name") ?? "";
            if (plugin["configuration"] is JsonObject embedded)
            {
                byPlugin[name] = embedded;
            }
            else if (plugin.GetString("path") is { Length: > 0 } pluginPath)
            {
                byPlugin[name] = Read(Path.IsPathRooted(pluginPath) ? pluginPath : Path.Combine(folder, pluginPath));
            }
        }

        return new AdmissionPluginConfigurations(byPlugin);
    }

    private static JsonObject Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"unable to read admission control configuration from \"{path}\" [{e.Message}]", e);
        }

        try
        {
            return YamlJson.Parse(bytes) as JsonObject ?? throw new FormatException($"{path}: not an object");
        }
        catch (ApiException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }
}
