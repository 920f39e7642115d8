using System.Net;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.Multus;

/// <summary>
/// The IPAM part of a NetworkAttachmentDefinition's CNI config, as the reference plugins read it: host-local with
/// "ranges" (a list of range sets, one address per set) or a single "subnet", each with optional rangeStart and
/// rangeEnd and gateway; or static with "addresses". Parsing errors are messages for a Warning event.
/// </summary>
internal sealed record MultusIpam(IReadOnlyList<IpRange> Ranges, IReadOnlyList<string> StaticAddresses)
{
    public static MultusIpam Parse(string? config, out string? error)
    {
        error = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(config ?? "");
        }
        catch (JsonException e)
        {
            error = "invalid CNI config: " + e.Message;
            return new MultusIpam([], []);
        }

        var ipam = root?["ipam"] as JsonObject;
        var type = ipam?["type"]?.GetValue<string>();
        switch (type)
        {
            case "host-local":
                var ranges = new List<IpRange>();
                if (ipam!["ranges"] is JsonArray sets)
                {
                    foreach (var set in sets.OfType<JsonArray>())
                    {
                        if (set.OfType<JsonObject>().FirstOrDefault() is { } first && IpRange.TryParse(first, out var range, out error))
                        {
                            ranges.Add(range);
                        }
                        else
                        {
                            error ??= "host-local range set without a subnet";
                            return new MultusIpam([], []);
                        }
                    }
                }
                else if (IpRange.TryParse(ipam, out var single, out error))
                {
                    ranges.Add(single);
                }
                else
                {
                    return new MultusIpam([], []);
                }

                return new MultusIpam(ranges, []);
            case "static":
                var addresses = (ipam!["addresses"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(a => a["address"]?.GetValue<string>()?.Split('/')[0] ?? "").Where(a => IPAddress.TryParse(a, out _)).ToList();
                return new MultusIpam([], addresses);
            default:
                error = $"unsupported IPAM type \"{type}\" (host-local and static are simulated)";
                return new MultusIpam([], []);
        }
    }
}

/// <summary>One host-local range: the usable addresses of a subnet between rangeStart and rangeEnd, minus the gateway.</summary>
internal sealed record IpRange(string Subnet, BigInteger First, BigInteger Last, BigInteger? Gateway, int Bytes)
{
    public static bool TryParse(JsonObject range, out IpRange parsed, out string? error)
    {
        parsed = null!;
        error = null;
        var subnet = range["subnet"]?.GetValue<string>();
        if (subnet is null || !IPNetwork.TryParse(subnet, out var network))
        {
            error = $"invalid subnet \"{subnet}\"";
            return false;
        }

        var bytes = network.BaseAddress.GetAddressBytes().Length;
        var bits = bytes * 8;
        var baseValue = ToNumber(network.BaseAddress);
        var size = BigInteger.One << (bits - network.PrefixLength);
        // host-local skips the network address, and the broadcast address in IPv4.
        var first = baseValue + 1;
        var last = baseValue + size - (bytes == 4 ? 2 : 1);
        if (range["rangeStart"]?.GetValue<string>() is { } start && IPAddress.TryParse(start, out var s))
        {
            first = ToNumber(s);
        }

        if (range["rangeEnd"]?.GetValue<string>() is { } end && IPAddress.TryParse(end, out var e))
        {
            last = ToNumber(e);
        }

        BigInteger? gateway = range["gateway"]?.GetValue<string>() is { } g && IPAddress.TryParse(g, out var gw) ? ToNumber(gw) : baseValue + 1;
        parsed = new IpRange(subnet, first, last, gateway, bytes);
        return true;
    }

    /// <summary>The addresses of the range in order, skipping the gateway.</summary>
    public IEnumerable<string> Addresses()
    {
        for (var value = First; value <= Last; value++)
        {
            if (value != Gateway)
            {
                yield return ToAddress(value, Bytes).ToString();
            }
        }
    }

    private static BigInteger ToNumber(IPAddress address) => new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static IPAddress ToAddress(BigInteger value, int bytes)
    {
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var full = new byte[bytes];
        raw.CopyTo(full, bytes - raw.Length);
        return new IPAddress(full);
    }
}
