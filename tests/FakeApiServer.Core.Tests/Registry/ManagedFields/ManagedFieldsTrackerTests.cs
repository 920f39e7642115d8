using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry.ManagedFields;
using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Registry.ManagedFields;

public sealed class ManagedFieldsTrackerTests
{
    private static readonly StructuralSchema Deployment = BuiltInSchemas.SchemaOf(typeof(V1Deployment))!;
    private static readonly FieldSet ResetStatus = ManagedFieldsTracker.ResetFields("", hasStatus: true);

    private readonly ManualTime _time = new() { Now = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero) };

    private ManagedFieldsTracker Tracker => new(_time);

    private static FieldManagerContext Context(string manager, string subresource = "") =>
        new(manager, subresource, "apps/v1", Deployment, ResetStatus);

    private static JsonObject Json(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static JsonObject Config(int replicas, string image = "nginx") => Json(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":""" + replicas +
        ""","template":{"spec":{"containers":[{"name":"app","image":""" + "\"" + image + "\"" + "}]}}}}");

    private static string Fields(JsonObject obj, int entry) => PathElement.Compact(obj["metadata"]!["managedFields"]![entry]!["fieldsV1"]);

    [Fact]
    public void Create_records_an_update_entry_with_time_in_seconds_and_without_identity_fields()
    {
        var obj = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":1}}""");

        var managed = Tracker.Update(null, obj, null, Context("kubectl-create"))!;

        Assert.Equal(
            """[{"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1","time":"2025-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}}]""",
            managed.ToJsonString());
    }

    [Fact]
    public void Update_takes_changed_fields_from_other_managers_and_drops_emptied_ones()
    {
        var live = Json("""{"metadata":{"name":"web"},"spec":{"replicas":1}}""");
        live["metadata"]!["managedFields"] = Tracker.Update(null, live, null, Context("creator"));
        var updated = (JsonObject)live.DeepClone();
        updated["spec"]!["replicas"] = 3;

        var managed = Tracker.Update(live, updated, updated["metadata"]!["managedFields"]!.DeepClone(), Context("scaler", "status"))!;

        var entry = Assert.Single(managed);
        Assert.Equal("scaler", entry!["manager"]!.GetValue<string>());
        Assert.Equal("status", entry["subresource"]!.GetValue<string>());
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void A_client_may_clear_managed_fields_with_one_empty_entry()
    {
        var live = Json("""{"metadata":{"name":"web"},"spec":{"replicas":1}}""");
        live["metadata"]!["managedFields"] = Tracker.Update(null, live, null, Context("creator"));

        Assert.Null(Tracker.Update(live, (JsonObject)live.DeepClone(), JsonNode.Parse("[{}]"), Context("editor")));
    }

    [Fact]
    public void Apply_creates_an_apply_entry_for_exactly_the_applied_fields()
    {
        var result = Tracker.Apply(new JsonObject(), Config(2), force: false, Context("kubectl"));

        var entry = result["metadata"]!["managedFields"]![0]!;
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.Equal("apps/v1", entry["apiVersion"]!.GetValue<string>());
        Assert.Equal(
            """{"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""",
            Fields(result, 0));
    }

    [Fact]
    public void A_second_manager_changing_an_owned_field_conflicts_naming_the_owner()
    {
        var live = Tracker.Apply(new JsonObject(), Config(2), force: false, Context("kubectl"));

        var error = Assert.Throws<ApiException>(() => Tracker.Apply(live, Config(5), force: false, Context("other")));

        Assert.Equal(409, error.Code);
        Assert.Equal("Conflict", error.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas", error.Message);
        var cause = Assert.Single(error.Details!.Causes);
        Assert.Equal(new StatusCause("FieldManagerConflict", "conflict with \"kubectl\"", ".spec.replicas"), cause);
    }

    [Fact]
    public void Conflicts_with_an_updater_name_its_api_version_and_several_are_listed_by_manager()
    {
        var live = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"a"}]}}}}""");
        live["metadata"]!["managedFields"] = Tracker.Update(null, live, null, Context("kubectl-client-side-apply"));

        var error = Assert.Throws<ApiException>(() => Tracker.Apply(live, Config(5, "b"), force: false, Context("other")));

        Assert.Equal(
            "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"app\"].image",
            error.Message);
    }

    [Fact]
    public void The_same_value_is_shared_without_conflict()
    {
        var live = Tracker.Apply(new JsonObject(), Config(2), force: false, Context("kubectl"));

        var result = Tracker.Apply(live, Config(2), force: false, Context("other"));

        Assert.Equal(2, result["metadata"]!["managedFields"]!.AsArray().Count);
    }

    [Fact]
    public void Force_moves_ownership_to_the_applier()
    {
        var live = Tracker.Apply(new JsonObject(), Config(2), force: false, Context("kubectl"));

        var result = Tracker.Apply(live, Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"""), force: true, Context("other"));

        Assert.Equal(5, result["spec"]!["replicas"]!.GetValue<int>());
        var entries = result["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal(["kubectl", "other"], entries.Select(e => e!["manager"]!.GetValue<string>()));
        Assert.Equal("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""", Fields(result, 0));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", Fields(result, 1));
    }

    [Fact]
    public void A_field_the_applier_omits_is_removed_unless_another_manager_owns_it()
    {
        var live = Tracker.Apply(new JsonObject(), Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"a":"1","b":"2"}},"spec":{"replicas":2}}"""),
            force: false, Context("kubectl"));
        live = Tracker.Apply(live, Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"b":"2"}}}"""), force: false, Context("other"));

        var result = Tracker.Apply(live, Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}"""), force: false, Context("kubectl"));

        Assert.Equal("""{"b":"2"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Null(result["spec"]?["replicas"]);
        var entry = Assert.Single(result["metadata"]!["managedFields"]!.AsArray());
        Assert.Equal("other", entry!["manager"]!.GetValue<string>());
    }

    [Fact]
    public void A_no_op_apply_keeps_the_entry_time()
    {
        var live = Tracker.Apply(new JsonObject(), Config(2), force: false, Context("kubectl"));
        _time.Now += TimeSpan.FromMinutes(5);

        var again = Tracker.Apply(live, Config(2), force: false, Context("kubectl"));

        Assert.True(JsonNode.DeepEquals(live, again));
    }

    [Fact]
    public void Kubectl_may_take_over_fields_its_last_applied_annotation_vouches_for()
    {
        var lastApplied = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}""";
        var live = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{}},"spec":{"replicas":1}}""");
        live["metadata"]!["annotations"]![LastAppliedConfiguration.Annotation] = lastApplied;
        live["metadata"]!["managedFields"] = Tracker.Update(null, live, null, Context("kubectl-client-side-apply"));
        var config = Json("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}}""");

        var result = Tracker.Apply(live, config, force: false, Context("kubectl"));

        Assert.Equal(3, result["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(LastAppliedConfiguration.Build(config), result["metadata"]!["annotations"]![LastAppliedConfiguration.Annotation]!.GetValue<string>());
        Assert.Throws<ApiException>(() => Tracker.Apply(live, config, force: false, Context("someone-else")));
    }

    [Fact]
    public void Last_applied_is_encoded_with_sorted_keys_escaped_html_and_a_newline()
    {
        var text = LastAppliedConfiguration.Build(Json("""{"kind":"ConfigMap","apiVersion":"v1","data":{"b":"<&>","a":"1"}}"""));

        Assert.Equal("{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\",\"b\":\"\\u003c\\u0026\\u003e\"},\"kind\":\"ConfigMap\"}\n", text);
    }

    /// <summary>A clock the test sets by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
