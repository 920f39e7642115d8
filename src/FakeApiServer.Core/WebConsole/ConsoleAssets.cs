using System.Collections.Frozen;
using System.Security.Cryptography;

namespace FakeApiServer.WebConsole;

/// <summary>
/// The console's static files (HTML, CSS, JavaScript modules), embedded in the assembly under
/// <c>FakeApiServer.WebConsole.Assets/</c> and read once: no CDN, no build step, nothing on disk.
/// </summary>
internal sealed class ConsoleAssets
{
    private const string ResourcePrefix = "FakeApiServer.WebConsole.Assets/";

    private readonly FrozenDictionary<string, ConsoleAsset> _assets;

    private ConsoleAssets(FrozenDictionary<string, ConsoleAsset> assets) => _assets = assets;

    /// <summary>The asset at a path below /console/ ("" is index.html), or null.</summary>
    public ConsoleAsset? Find(string path) => _assets.GetValueOrDefault(path.Length == 0 ? "index.html" : path);

    /// <summary>The paths of every asset, relative to /console/.</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>Reads the embedded assets of this assembly.</summary>
    public static ConsoleAssets Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var body = copy.ToArray();
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            assets[path] = new ConsoleAsset(body, ContentTypeOf(path), "\"" + Convert.ToHexString(SHA256.HashData(body))[..32] + "\"");
        }

        return new ConsoleAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}

/// <summary>One embedded file: its bytes, Content-Type and ETag.</summary>
internal sealed record ConsoleAsset(byte[] Body, string ContentType, string ETag);
