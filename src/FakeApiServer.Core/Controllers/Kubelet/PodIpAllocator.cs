using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace FakeApiServer.Controllers.Kubelet;

/// <summary>
/// host-local IPAM for the default network of the simulated nodes: one IP per family of the node's pod CIDRs, the
/// same host number in both (10.244.1.5 and fd00:10:244:1::5), handed out round robin from .2 (.1 is the node's
/// bridge), never to two live pods, released when the pod goes. What pods already show in status.podIPs counts as
/// taken, so a restarted server does not hand an address out twice.
/// </summary>
internal sealed class PodIpAllocator
{
    /// <summary>The first host number handed out; .0 is the network and .1 the node's bridge.</summary>
    private const int FirstHost = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, IReadOnlyList<string>> _byPod = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

    /// <summary>
    /// The pod's IPs, one per CIDR: those it holds already (<paramref name="current"/>, when they are in its CIDRs), else
    /// the next host number free in every CIDR; empty when the node is full.
    /// </summary>
    /// <param name="uid">The pod's uid.</param>
    /// <param name="cidrs">The node's pod CIDRs, IPv4 first.</param>
    /// <param name="current">The default-network IPs the pod's status shows now.</param>
    /// <param name="inUse">Every IP that live pods on the node show in their status.</param>
    public IReadOnlyList<string> Allocate(string uid, IReadOnlyList<string> cidrs, IReadOnlyList<string> current, IEnumerable<string> inUse)
    {
        lock (_lock)
        {
            if (_byPod.TryGetValue(uid, out var held))
            {
                return held;
            }

            var networks = cidrs.Select(IPNetwork.Parse).ToList();
            if (current.Count == networks.Count && current.Zip(networks).All(p => IPAddress.TryParse(p.First, out var a) && p.Second.Contains(a)))
            {
                return Hold(uid, current);
            }

            var used = new HashSet<string>(_taken, StringComparer.Ordinal);
            used.UnionWith(inUse);
            var size = networks.Min(HostCount);
            var key = string.Join(',', cidrs);
            var start = _next.GetValueOrDefault(key, FirstHost);
            for (var i = 0; i < size - FirstHost; i++)
            {
                var host = FirstHost + ((start - FirstHost + i) % (size - FirstHost));
                var ips = networks.Select(n => Address(n, host)).ToList();
                if (ips.All(ip => !used.Contains(ip)))
                {
                    _next[key] = host + 1 >= size ? FirstHost : host + 1;
                    return Hold(uid, ips);
                }
            }

            return [];
        }
    }

    /// <summary>Frees the pod's IPs.</summary>
    public void Release(string uid)
    {
        lock (_lock)
        {
            if (_byPod.Remove(uid, out var ips))
            {
                _taken.ExceptWith(ips);
            }
        }
    }

    private IReadOnlyList<string> Hold(string uid, IReadOnlyList<string> ips)
    {
        _byPod[uid] = ips;
        _taken.UnionWith(ips);
        return ips;
    }

    /// <summary>How many host numbers a CIDR has, capped (an IPv6 /64 is paired with an IPv4 /24 anyway).</summary>
    private static int HostCount(IPNetwork network)
    {
        var bits = (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) - network.PrefixLength;
        return bits >= 16 ? 65535 : (1 << bits) - 1;
    }

    private static string Address(IPNetwork network, int host)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true) + host;
        var result = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[bytes.Length];
        result.CopyTo(padded, padded.Length - result.Length);
        return new IPAddress(padded).ToString();
    }
}
