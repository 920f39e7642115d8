using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Secrets;

namespace FakeApiServer.Tests.Apis.Core.Secrets;

public sealed class SecretTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SecretTable _table = new();

    [Fact]
    public void Tls_secret_shows_type_and_key_count()
    {
        var secret = JsonNode.Parse("""
            {"metadata":{"name":"tls","creationTimestamp":"2024-05-20T12:00:00Z"},"type":"kubernetes.io/tls",
             "data":{"tls.crt":"Y3J0","tls.key":"a2V5"}}
            """)!.AsObject();

        Assert.Equal(["Name", "Type", "Data", "Age"], _table.Columns.Select(c => c.Name));
        Assert.Equal(["tls", "kubernetes.io/tls", 2L, "12d"], _table.Cells(secret, Now));
    }

    [Fact]
    public void Secret_without_type_is_opaque()
    {
        Assert.Equal(["s", "Opaque", 0L, "<unknown>"], _table.Cells(JsonNode.Parse("""{"metadata":{"name":"s"}}""")!.AsObject(), Now));
    }
}
