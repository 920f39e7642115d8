using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Multus;

/// <summary>
/// The addresses Multus has handed out, per NetworkAttachmentDefinition and range, and which pod holds each; rebuilt
/// from the pods' podIPs as the informer replays them, so a restart never hands out an address twice.
/// </summary>
internal sealed class MultusAllocations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _holderByAddress = new(StringComparer.Ordinal);

    /// <summary>Records the addresses a pod already has (from its status), as held by that pod.</summary>
    public void Remember(JsonObject pod)
    {
        var uid = pod.Uid() ?? "";
        lock (_lock)
        {
            foreach (var entry in (pod["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (entry.GetString("podNetwork") is { Length: > 0 } network && network != "kubernetes" && entry.GetString("ip") is { } ip)
                {
                    _holderByAddress.TryAdd(ip, uid);
                }
            }
        }
    }

    /// <summary>One address per range (or the static addresses), or the reason nothing could be allocated.</summary>
    public IReadOnlyList<string> Allocate(string podUid, string nadKey, MultusIpam ipam, out string? problem)
    {
        problem = null;
        lock (_lock)
        {
            var taken = new List<string>();
            if (ipam.StaticAddresses.Count > 0)
            {
                foreach (var address in ipam.StaticAddresses)
                {
                    if (_holderByAddress.TryGetValue(address, out var holder) && holder != podUid)
                    {
                        problem = $"NetworkAttachmentDefinition {nadKey}: static address {address} is already in use";
                        return [];
                    }

                    taken.Add(address);
                }
            }

            foreach (var range in ipam.Ranges)
            {
                var free = range.Addresses().FirstOrDefault(a => !_holderByAddress.ContainsKey(a));
                if (free is null)
                {
                    problem = $"NetworkAttachmentDefinition {nadKey}: no IP addresses available in range set {range.Subnet}";
                    return [];
                }

                _holderByAddress[free] = podUid;
                taken.Add(free);
            }

            foreach (var address in ipam.StaticAddresses)
            {
                _holderByAddress[address] = podUid;
            }

            return taken;
        }
    }

    /// <summary>Frees every address a pod holds.</summary>
    public void Release(string podUid)
    {
        lock (_lock)
        {
            foreach (var address in _holderByAddress.Where(p => p.Value == podUid).Select(p => p.Key).ToList())
            {
                _holderByAddress.Remove(address);
            }
        }
    }
}
