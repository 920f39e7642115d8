using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Registry;

/// <summary>Created objects' uids are random version-4 UUIDs, distinct across the generator's buffer refills.</summary>
public sealed class UidGeneratorTests
{
    [Fact]
    public void Uids_are_distinct_version_4_RFC_4122_UUIDs_across_buffer_refills()
    {
        var uids = new UidGenerator();

        var made = Enumerable.Range(0, 1000).Select(_ => uids.NewUid()).ToList();

        Assert.Equal(made.Count, made.Distinct(StringComparer.Ordinal).Count());
        Assert.All(made, uid =>
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uid);
            Assert.Equal(uid, Guid.Parse(uid).ToString());
        });
    }
}
