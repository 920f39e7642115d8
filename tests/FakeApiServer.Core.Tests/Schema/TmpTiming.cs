using System.Diagnostics;
using FakeApiServer.Schema;
namespace FakeApiServer.Tests.Schema;
public sealed class TmpTiming
{
    [Fact]
    public void Zz_timing()
    {
        var sw = Stopwatch.StartNew();
        var docs = ModelDocs.Count;
        var t0 = sw.Elapsed;
        var types = typeof(k8s.Models.V1Pod).Assembly.GetTypes().Length;
        var t00 = sw.Elapsed;
        var pod = BuiltInSchemas.Instance.SchemaFor("", "v1", "Pod")!;
        var t1 = sw.Elapsed;
        _ = pod.Path("spec.containers[].ports");
        var t2 = sw.Elapsed;
        var c = OpenApiSchemaWriter.Components(BuiltInSchemas.AllKinds.Where(k => k.Group is "" or "apps" && k.Version == "v1").Select(k => (BuiltInSchemas.Instance.SchemaFor(k.Group, k.Version, k.Kind)!, k.Group, k.Version, k.Kind)));
        var t3 = sw.Elapsed;
        var json = c.ToJsonString();
        File.WriteAllText("/tmp/timing.txt", $"docs {t0} gettypes {t00} index {t1} path {t2} writer(all core+apps) {t3} kinds={BuiltInSchemas.AllKinds.Count()} components={c["schemas"]!.AsObject().Count} bytes={json.Length}\n");
        File.WriteAllText("/tmp/components.json", json);
    }
}
