using FakeApiServer.Controllers.Kubelet;

namespace FakeApiServer.Tests.Controllers.Kubelet;

public sealed class PodIpAllocatorTests
{
    private static readonly string[] Cidrs = ["10.244.1.0/24", "fd00:10:244:1::/64"];

    [Fact]
    public void Each_pod_gets_the_same_host_number_in_both_families_and_keeps_it()
    {
        var allocator = new PodIpAllocator();

        var a = allocator.Allocate("a", Cidrs, [], []);
        var b = allocator.Allocate("b", Cidrs, [], []);

        Assert.Equal(["10.244.1.2", "fd00:10:244:1::2"], a);
        Assert.Equal(["10.244.1.3", "fd00:10:244:1::3"], b);
        Assert.Equal(a, allocator.Allocate("a", Cidrs, [], []));
    }

    [Fact]
    public void Addresses_in_use_are_skipped_and_released_ones_come_back_after_a_round()
    {
        var allocator = new PodIpAllocator();

        var kept = allocator.Allocate("restored", Cidrs, ["10.244.1.9", "fd00:10:244:1::9"], []);
        var next = allocator.Allocate("new", Cidrs, [], ["10.244.1.2"]);
        allocator.Release("new");
        var after = allocator.Allocate("later", Cidrs, [], []);

        Assert.Equal(["10.244.1.9", "fd00:10:244:1::9"], kept);
        Assert.Equal(["10.244.1.3", "fd00:10:244:1::3"], next);
        Assert.Equal(["10.244.1.4", "fd00:10:244:1::4"], after);
    }

    [Fact]
    public void A_full_node_hands_out_nothing()
    {
        var allocator = new PodIpAllocator();
        for (var i = 0; i < 253; i++)
        {
            Assert.NotEmpty(allocator.Allocate("p" + i, Cidrs, [], []));
        }

        Assert.Empty(allocator.Allocate("one-too-many", Cidrs, [], []));
    }
}
