using System.Security.Cryptography;
using System.Text;

namespace FakeApiServer.Controllers.Kubelet;

/// <summary>
/// The names containerd reports for a simulated container: the image as a full reference
/// (busybox:1.36 → docker.io/library/busybox:1.36), an imageID repo@sha256:..., and a containerd:// container id.
/// The digests are stable hashes, so the same image always has the same id.
/// </summary>
internal static class ContainerIds
{
    /// <summary>The image as containerd normalizes it: registry docker.io, library/ for single names, tag latest when none.</summary>
    public static string Image(string image)
    {
        var reference = image;
        var firstSlash = reference.IndexOf('/', StringComparison.Ordinal);
        if (firstSlash < 0)
        {
            reference = "docker.io/library/" + reference;
        }
        else
        {
            var registry = reference[..firstSlash];
            if (!registry.Contains('.', StringComparison.Ordinal) && !registry.Contains(':', StringComparison.Ordinal) && registry != "localhost")
            {
                reference = "docker.io/" + reference;
            }
        }

        var lastSlash = reference.LastIndexOf('/');
        return reference.Contains('@', StringComparison.Ordinal) || reference.IndexOf(':', lastSlash + 1) > 0 ? reference : reference + ":latest";
    }

    /// <summary>repo@sha256:digest for the image.</summary>
    public static string ImageId(string image)
    {
        var full = Image(image);
        if (full.Contains('@', StringComparison.Ordinal))
        {
            return full;
        }

        var lastSlash = full.LastIndexOf('/');
        var colon = full.IndexOf(':', lastSlash + 1);
        return full[..colon] + "@sha256:" + Hash(full);
    }

    /// <summary>A containerd:// id, distinct per pod, container and restart.</summary>
    public static string ContainerId(string podUid, string container, long restartCount) =>
        "containerd://" + Hash(podUid + "/" + container + "/" + restartCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
